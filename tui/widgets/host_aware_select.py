"""A Select whose option labels count how many of the chosen compute resource's hosts reach each option."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select

from vic_machine.inventory import ComputeNode, Inventory


class HostAwareSelect(Select):
    """Subclasses give ``_choice_list()``; ``set_scope`` and ``set_inventory`` rebuild the options, keeping
    the choice while it is still offered."""

    def __init__(self, desc: dict, inventory: Inventory, *args: Any, **kwargs: Any) -> None:
        self.desc = desc
        self.inventory = inventory
        self._hosts: set[str] = {h.id for h in inventory.hosts}
        self._compute: ComputeNode | None = None
        super().__init__(self._choice_list(), *args, **kwargs)

    def _choice_list(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def set_scope(self, compute: ComputeNode | None) -> None:
        """Count reachability against the hosts of ``compute`` (every host while none is chosen)."""
        hosts = set(compute.hosts) if compute is not None else {h.id for h in self.inventory.hosts}
        if hosts == self._hosts and (compute and compute.id) == (self._compute and self._compute.id):
            return
        self._hosts, self._compute = hosts, compute
        self._rebuild()

    def set_inventory(self, inventory: Inventory) -> None:
        """Options from a newer reading of the inventory (the wizard's Re-check)."""
        self.inventory = inventory
        self._rebuild()

    def _rebuild(self) -> None:
        chosen = self.value
        options = self._choice_list()
        self.set_options(options)
        if chosen is not Select.NULL and any(value == chosen for _, value in options):
            self.value = chosen
