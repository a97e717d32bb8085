"""What every check reads: the specification, the inventory snapshot and what they resolve to."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from vic_machine.inventory import ComputeNode, Datastore, Host, Inventory, Network
from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ManagedObject


@dataclass
class Context:
    spec: VchSpec
    inventory: Inventory
    target_display: str = ""
    _notes: list[str] = field(default_factory=list)

    @cached_property
    def compute_matches(self) -> list[ComputeNode]:
        resource = self.spec.compute.resource
        if resource is None or not (resource.id or resource.name):
            roots = list(self.inventory.compute)
            return roots if len(roots) == 1 else []
        return self.inventory.find_compute(resource.id or resource.name)

    @property
    def compute(self) -> ComputeNode | None:
        """The compute resource the VCH goes in, when it resolves to exactly one."""
        matches = self.compute_matches
        return matches[0] if len(matches) == 1 else None

    @cached_property
    def hosts(self) -> list[Host]:
        """Hosts of the chosen compute resource."""
        return self.inventory.hosts_of(self.compute) if self.compute else []

    @property
    def usable_hosts(self) -> list[Host]:
        return [h for h in self.hosts if h.usable]

    def image_datastore(self) -> Datastore | None:
        stores = self.spec.storage.image_stores
        if not stores:
            return None
        return self.inventory.datastore(datastore_name(stores[0]))

    def networks(self, ref: ManagedObject | None) -> list[Network]:
        if ref is None:
            return []
        return self.inventory.networks_named(ref.id or ref.name or "")


def datastore_name(location: str) -> str:
    """``ds://name/path``, ``[name] path`` or ``name/path`` → ``name``."""
    location = location.strip()
    if location.startswith("ds://"):
        location = location[5:]
    if location.startswith("["):
        return location[1:].split("]", 1)[0]
    return location.split("/", 1)[0]
