"""Pick a port group, seeing its kind and how many of the chosen hosts reach it."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select

from vic_machine.inventory import Inventory, Network
from vic_machine.spec.network_model import ManagedObject

from tui.natural import natural_key
from tui.widgets.host_aware_select import HostAwareSelect

BRIDGE = "network.bridge.port_group"


class NetworkPicker(HostAwareSelect):
    """The networks of the inventory; the value is a ``ManagedObject`` naming the port group.

    The bridge offers only what validation accepts there: distributed port groups (and NSX networks), and
    standard ones only on a standalone host.
    """

    def __init__(self, desc: dict, inventory: Inventory, **kwargs: Any) -> None:
        default = desc["default"] or {}
        names = {n.name for n in inventory.networks}
        start = default.get("name") if default.get("name") in names else Select.NULL
        super().__init__(desc, inventory, value=start, prompt="(none)", **kwargs)

    def _label(self, network: Network) -> str:
        reached = sum(1 for h in self.inventory.hosts if h.id in self._hosts and network.id in h.networks)
        return f"{network.name} — {network.kind}, {reached}/{len(self._hosts)} hosts"

    def _offered(self, network: Network) -> bool:
        if self.desc["path"] != BRIDGE or network.kind != "standard":
            return True
        return self._compute is not None and self._compute.kind == "host"

    def _choice_list(self) -> list[tuple[str, str]]:
        networks = [n for n in self.inventory.networks if self._offered(n)]
        return [(self._label(n), n.name) for n in sorted(networks, key=lambda n: natural_key(n.name))]

    def field_value(self) -> ManagedObject | None:
        if self.value is Select.NULL:
            return None
        network = next((n for n in self.inventory.networks if n.name == self.value), None)
        return ManagedObject(id=network.id if network else None, name=str(self.value))
