"""Pick a datastore, seeing its free space and how many of the chosen hosts mount it."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select

from vic_machine.inventory import Datastore, Inventory

from tui.widgets.host_aware_select import HostAwareSelect
from tui.widgets.sizes import short_bytes


class DatastorePicker(HostAwareSelect):
    """The datastores of the inventory; the value is the image store list (``[name]``) the model takes."""

    def __init__(self, desc: dict, inventory: Inventory, **kwargs: Any) -> None:
        super().__init__(desc, inventory, prompt="Choose a datastore", **kwargs)

    def _label(self, store: Datastore) -> str:
        mounted = sum(1 for h in self.inventory.hosts if h.id in self._hosts and store.id in h.datastores)
        state = "" if store.accessible else ", inaccessible"
        return (f"{store.name} — {short_bytes(store.free_space)} free of {short_bytes(store.capacity)}, "
                f"{mounted}/{len(self._hosts)} hosts{state}")

    def _choice_list(self) -> list[tuple[str, str]]:
        return [(self._label(store), store.name) for store in sorted(self.inventory.datastores,
                                                                       key=lambda s: s.name)]

    def field_value(self) -> list[str]:
        return [] if self.value is Select.NULL else [str(self.value)]
