"""A read-only snapshot of what a VCH can use in one datacenter, read in a constant number of round trips."""

from vic_machine.inventory.model import (
    Capacity,
    ComputeNode,
    Datastore,
    Host,
    Inventory,
    Network,
)
from vic_machine.inventory.snapshot import take_snapshot

__all__ = ["Capacity", "ComputeNode", "Datastore", "Host", "Inventory", "Network", "take_snapshot"]
