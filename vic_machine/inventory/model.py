"""Plain immutable inventory data, serializable to JSON for the API and the wizards."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterator


@dataclass(frozen=True)
class Capacity:
    """What a compute resource can give, as vCenter reports it (MHz and MiB)."""

    cpu_max_mhz: int = 0
    cpu_unreserved_mhz: int = 0
    memory_max_mib: int = 0
    memory_unreserved_mib: int = 0


@dataclass(frozen=True)
class ComputeNode:
    """A cluster, standalone host, resource pool or vApp: a place a VCH can be created in."""

    id: str
    kind: str  # "cluster" | "host" | "pool" | "vapp"
    name: str
    path: str
    pool: str = ""  # the resource pool a VCH's own pool is created in
    capacity: Capacity = Capacity()
    drs_enabled: bool = False
    holds_vch: bool = False
    hosts: tuple[str, ...] = ()
    vm_groups: tuple[str, ...] = ()
    children: tuple["ComputeNode", ...] = ()
    # Other ids that name this node, as VIC 1.5.8 resolves them: a standalone host's ComputeResource and the
    # root resource pool of a cluster or standalone host.
    aliases: tuple[str, ...] = ()

    def walk(self) -> Iterator["ComputeNode"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Host:
    id: str
    name: str
    compute: str  # id of the cluster or standalone compute resource holding it
    connection_state: str = "connected"
    in_maintenance: bool = False
    power_state: str = "poweredOn"
    firewall_rulesets: dict[str, bool] = field(default_factory=dict)
    firewall_allows_outgoing: bool = False
    license_features: tuple[str, ...] = ()
    version: str = ""
    datastores: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    # The vCenter managing the host (summary.managementServerIp), "" for one that no vCenter manages.
    managed_by: str = ""

    @property
    def usable(self) -> bool:
        return self.connection_state == "connected" and not self.in_maintenance


@dataclass(frozen=True)
class Datastore:
    id: str
    name: str
    type: str
    capacity: int
    free_space: int
    accessible: bool
    hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Network:
    id: str
    name: str
    kind: str  # "standard" | "distributed" | "opaque"
    switch: str = ""
    switch_name: str = ""
    hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Inventory:
    """One datacenter as a VCH sees it; ``names_in_use`` covers VMs, pools, vApps and VM folders."""

    datacenter: str
    datacenter_id: str
    datacenters: tuple[str, ...]
    vcenter_version: str
    vcenter_api_type: str
    compute: tuple[ComputeNode, ...]
    hosts: tuple[Host, ...]
    datastores: tuple[Datastore, ...]
    networks: tuple[Network, ...]
    names_in_use: dict[str, str] = field(default_factory=dict)

    @property
    def esxi(self) -> bool:
        """Read from an ESXi host's own API (hostd) rather than from vCenter."""
        return self.vcenter_api_type == "HostAgent"

    def compute_nodes(self) -> Iterator[ComputeNode]:
        for root in self.compute:
            yield from root.walk()

    def find_compute(self, ref: str) -> list[ComputeNode]:
        """Nodes matching an id, a full path, a path suffix or a name (several when ambiguous).

        Ids are taken as VIC 1.5.8 takes them: a cluster, a standalone host or its ComputeResource, a resource
        pool (a root pool is its cluster or host), and a host inside a cluster, which is that cluster.
        """
        ref = ref.strip("/")
        nodes = list(self.compute_nodes())
        for match in (lambda n: n.id == ref, lambda n: ref in n.aliases,
                      lambda n: n.kind == "cluster" and ref in n.hosts, lambda n: n.path.strip("/") == ref,
                      lambda n: n.path.strip("/").endswith("/" + ref), lambda n: n.name == ref):
            found = [n for n in nodes if match(n)]
            if found:
                return found
        return []

    def host(self, host_id: str) -> Host | None:
        return next((h for h in self.hosts if h.id == host_id), None)

    def hosts_of(self, node: ComputeNode) -> list[Host]:
        wanted = set(node.hosts)
        return [h for h in self.hosts if h.id in wanted]

    def datastore(self, name: str) -> Datastore | None:
        return next((d for d in self.datastores if d.name == name or d.id == name), None)

    def networks_named(self, name: str) -> list[Network]:
        return [n for n in self.networks if n.name == name or n.id == name]

    def to_json(self) -> dict:
        return asdict(self)
