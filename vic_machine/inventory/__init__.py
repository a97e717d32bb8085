"""A read-only snapshot of what a VCH can use in one datacenter, read in a constant number of round trips.

Names are loaded on first use, so a module that needs only ``vic_machine.inventory.vch_candidates`` (``ls``) does
not import the snapshot and its model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {"Capacity": "model", "ComputeNode": "model", "Datastore": "model", "Host": "model", "Inventory": "model",
          "Network": "model", "take_snapshot": "snapshot"}

__all__ = ["Capacity", "ComputeNode", "Datastore", "Host", "Inventory", "Network", "take_snapshot"]

if TYPE_CHECKING:
    from vic_machine.inventory.model import Capacity, ComputeNode, Datastore, Host, Inventory, Network
    from vic_machine.inventory.snapshot import take_snapshot


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
