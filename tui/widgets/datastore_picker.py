"""Pick the image datastore, seeing its free space and how many of the chosen hosts mount it, and a folder on it."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select

from vic_machine.inventory import Datastore, Inventory

from tui.natural import natural_key
from tui.widgets.host_aware_select import HostAwareSelect
from tui.widgets.sizes import short_bytes


def split_store(location: str) -> tuple[str, str]:
    """``ds://LocalDS_0/images`` or ``LocalDS_0/images`` → ``("LocalDS_0", "images")``."""
    datastore, _, folder = location.removeprefix("ds://").partition("/")
    return datastore.strip("[]"), folder.strip("/")


class DatastorePicker(HostAwareSelect):
    """The datastores of the inventory, by name."""

    def __init__(self, desc: dict, inventory: Inventory, value: Any = Select.NULL, **kwargs: Any) -> None:
        super().__init__(desc, inventory, prompt="Choose a datastore", value=value, **kwargs)

    def _label(self, store: Datastore) -> str:
        mounted = sum(1 for h in self.inventory.hosts if h.id in self._hosts and store.id in h.datastores)
        state = "" if store.accessible else ", inaccessible"
        return (f"{store.name} — {short_bytes(store.free_space)} free of {short_bytes(store.capacity)}, "
                f"{mounted}/{len(self._hosts)} hosts{state}")

    def _choice_list(self) -> list[tuple[str, str]]:
        stores = sorted(self.inventory.datastores, key=lambda s: natural_key(s.name))
        return [(self._label(store), store.name) for store in stores]


class ImageStoreEditor(Horizontal):
    """The datastore and, beside it, an optional folder on it; the value is the image store list (``[ds/folder]``)
    the model takes."""

    DEFAULT_CSS = """
    ImageStoreEditor { height: auto; }
    ImageStoreEditor DatastorePicker { width: 1fr; }
    ImageStoreEditor Input { width: 18; margin-left: 1; }
    """

    def __init__(self, desc: dict, inventory: Inventory, **kwargs: Any) -> None:
        super().__init__()
        self.desc = desc
        stored = desc["default"] or []
        datastore, folder = split_store(stored[0]) if stored else ("", "")
        names = {d.name for d in inventory.datastores}
        self.picker = DatastorePicker(desc, inventory, value=datastore if datastore in names else Select.NULL,
                                      **kwargs)
        self.folder = Input(value=folder, placeholder="folder (optional)", id="image-folder", **kwargs)

    def compose(self) -> ComposeResult:
        yield self.picker
        yield self.folder

    @property
    def value(self) -> Any:
        return (self.picker.value, self.folder.value)

    def focus(self, scroll_visible: bool = True) -> ImageStoreEditor:
        self.picker.focus(scroll_visible)
        return self

    def field_value(self) -> list[str]:
        if self.picker.value is Select.NULL:
            return []
        folder = self.folder.value.strip().strip("/")
        if folder and any(c in folder for c in ":[]"):
            raise ValueError("a folder is a path on the datastore, like vch-images or teams/a")
        return [f"{self.picker.value}/{folder}" if folder else str(self.picker.value)]
