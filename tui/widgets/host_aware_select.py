"""A Select whose option labels count how many of the chosen compute resource's hosts reach each option."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select

from vic_machine.inventory import Inventory


class HostAwareSelect(Select):
    """Subclasses give ``_choice_list()``; ``set_hosts`` relabels the options, keeping the choice."""

    def __init__(self, desc: dict, inventory: Inventory, *args: Any, **kwargs: Any) -> None:
        self.desc = desc
        self.inventory = inventory
        self._hosts: set[str] = {h.id for h in inventory.hosts}
        super().__init__(self._choice_list(), *args, **kwargs)

    def _choice_list(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def set_hosts(self, host_ids: set[str]) -> None:
        """Count reachability against these hosts (those of the chosen compute resource)."""
        if not host_ids or host_ids == self._hosts:
            return
        self._hosts = set(host_ids)
        chosen = self.value
        self.set_options(self._choice_list())
        if chosen is not Select.NULL:
            self.value = chosen
