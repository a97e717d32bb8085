"""The ``network`` part of the VCH model: bridge, public/client/management and container networks."""

from __future__ import annotations

from dataclasses import dataclass

from vic_machine.spec.meta import attr

FIREWALL_LEVELS = ("closed", "outbound", "peers", "published", "open")
ALIAS_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
ALIAS_HELP = "letters, digits and - _ . (starting with a letter or digit)"


@dataclass
class ManagedObject:
    """A vSphere object named by its managed object id, its name (or inventory path), or both."""

    id: str | None = None
    name: str | None = None

    def display(self) -> str:
        """The name when known, else the id: what vic-machine's flags and messages show."""
        return self.name or self.id or ""

    def same_as(self, other: ManagedObject | None) -> bool:
        """Whether both name the same object (by id when both have one, else by name)."""
        if other is None:
            return False
        if self.id and other.id:
            return self.id == other.id
        return bool(self.name) and self.name == other.name


@dataclass
class Gateway:
    address: str | None = attr(
        "{Role} gateway",
        "IPv4 address of the gateway (for container networks, address/prefix gives the subnet).",
        step="networks",
        type="ip",
        flags="--{role}-network-gateway",
    )
    routing_destinations: list[str] = attr(
        "{Role} routing destinations",
        "Networks (CIDR) reached through this gateway.",
        factory=list,
        step="networks",
        type="cidr",
        flags="--{role}-network-gateway",
    )


@dataclass
class Network:
    """One of the VCH endpoint's networks: public, client or management."""

    port_group: ManagedObject | None = attr(
        "{Role} network",
        "Port group the endpoint VM uses for its {role} traffic.",
        step="networks",
        type="managed_object",
        flags="--{role}-network",
    )
    static: str | None = attr(
        "{Role} static IP",
        "Static address with prefix length (CIDR, like 192.0.2.10/24); DHCP when empty.",
        step="networks",
        type="cidr",
        flags="--{role}-network-ip",
    )
    gateway: Gateway | None = attr("{Role} gateway", step="networks", type="object")
    nameservers: list[str] = attr(
        "DNS servers ({role})",
        "Up to 3 IPv4 addresses of DNS servers for the endpoint VM.",
        factory=list,
        step="networks",
        type="ip",
        flags="--dns-server",
        max_length=3,
    )


@dataclass
class Bridge:
    ip_range: str = attr(
        "Bridge network range",
        "Address range (CIDR) the bridge networks of containers are allocated from.",
        default="172.16.0.0/12",
        step="networks",
        type="cidr",
        flags="--bridge-network-range",
        required=True,
    )
    network_width: int = attr(
        "Bridge network width",
        "Prefix length of each bridge network carved from the range.",
        default=16,
        step="networks",
        type="integer",
        flags="--bridge-network-width",
        min=1,
        max=30,
    )
    port_group: ManagedObject | None = attr(
        "Bridge network",
        "A distributed port group for container-to-container traffic, used by nothing else.",
        step="networks",
        type="managed_object",
        flags=("--bridge-network", "-b"),
        required=True,
    )


@dataclass
class ContainerNetwork:
    """A port group containers attach to directly (``--container-network``)."""

    alias: str | None = attr(
        "Container network name",
        "Name docker users see for this network; defaults to the port group's name. Allowed: " + ALIAS_HELP
        + "; 'bridge' is reserved.",
        step="networks",
        flags="--container-network",
        pattern=ALIAS_PATTERN,
        pattern_help=ALIAS_HELP,
        max_length=63,
    )
    port_group: ManagedObject | None = attr(
        "Container network port group",
        "Port group the containers attach to.",
        step="networks",
        type="managed_object",
        flags=("--container-network", "-cn"),
        required=True,
    )
    gateway: Gateway | None = attr(
        "Container network gateway",
        "Gateway and subnet for containers on this network: address/prefix (like 10.1.0.1/16), or as VIC 1.5.8 "
        "takes it, the address and the subnet as its one routing destination.",
        step="networks",
        type="object",
        role="container",
    )
    ip_ranges: list[str] = attr(
        "Container network IP ranges",
        "Addresses for containers (a.b.c.d-e.f.g.h or CIDR) inside the gateway's subnet; DHCP when empty.",
        factory=list,
        step="networks",
        type="ip_range",
        flags="--container-network-ip-range",
    )
    nameservers: list[str] = attr(
        "Container network DNS servers",
        "Up to 3 IPv4 addresses of DNS servers for containers on this network.",
        factory=list,
        step="networks",
        type="ip",
        flags="--container-network-dns",
        max_length=3,
    )
    firewall: str | None = attr(
        "Container network firewall",
        "Which traffic reaches containers: closed, outbound, peers, published (ports published) or open; "
        "published when not set.",
        default=None,
        step="networks",
        flags="--container-network-firewall",
        choices=FIREWALL_LEVELS,
    )


def _public_default() -> Network:
    return Network(port_group=ManagedObject(name="VM Network"))


@dataclass
class NetworkSpec:
    bridge: Bridge = attr("Bridge network", factory=Bridge, step="networks", type="object")
    public: Network = attr(
        "Public network", factory=_public_default, step="networks", type="object", role="public"
    )
    client: Network | None = attr(
        "Client network",
        "Docker clients connect here; the public network when not set.",
        step="networks",
        type="object",
        role="client",
    )
    management: Network | None = attr(
        "Management network",
        "vCenter and ESXi hosts are reached here; the client network when not set.",
        step="networks",
        type="object",
        role="management",
    )
    container: list[ContainerNetwork] = attr(
        "Container networks",
        "Port groups containers attach to directly, besides the bridge.",
        factory=list,
        step="networks",
        type="object",
    )
    asymmetric_routes: bool = attr(
        "Asymmetric routes",
        "Accept replies that come back on another network than the request left on (reverse path filtering off).",
        default=False,
        step="networks",
        type="boolean",
        flags=("--asymmetric-routes", "--ar"),
    )

    def effective(self, role: str) -> Network:
        """The settings that apply to a role: client falls back to public, management to client."""
        if role == "management" and self.management is not None:
            return self.management
        if role in ("management", "client") and self.client is not None:
            return self.client
        return self.public

    def port_group_of(self, role: str) -> ManagedObject | None:
        """The port group a role uses, following the same fallbacks for an unset port group."""
        own = getattr(self, role)
        if own is not None and own.port_group is not None:
            return own.port_group
        if role == "management":
            return self.port_group_of("client")
        if role == "client":
            return self.public.port_group
        return None
