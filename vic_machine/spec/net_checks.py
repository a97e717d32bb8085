"""Input checks of the ``network`` part: addresses, gateways, ranges, aliases, and the risks of overlapping subnets.

``check_network`` returns what no VCH can be made of (errors). Overlapping subnets are not among them: vCenter
does not look at addresses, and VIC Engine 1.5.8 created such VCHs (it warned only of one subnet on two port
groups); ``network_warnings`` says what may go wrong with them instead.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from vic_machine.errors import FieldError
from vic_machine.spec import syntax
from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ContainerNetwork
from vic_machine.spec.network_model import ManagedObject
from vic_machine.spec.network_model import Network

ROLES = ("public", "client", "management")
RESERVED_ALIASES = ("bridge",)
MAX_DNS = 3


@dataclass(frozen=True)
class Subnet:
    """A subnet the VCH uses: where it is set, what it is, on which port group, and its own addresses."""

    path: str
    network: ipaddress.IPv4Network
    kind: str  # "bridge", a role ("public", "client", "management") or "container"
    label: str  # how messages name it: "the client network", "container network cnet"
    port_group: ManagedObject | None = None
    reserved: tuple[tuple[str, ipaddress.IPv4Address], ...] = ()  # (what, address) no container may get
    ranges: tuple[tuple[ipaddress.IPv4Address, ipaddress.IPv4Address], ...] = ()  # containers' addresses


@dataclass(frozen=True)
class Risk:
    """Something that may go wrong with a spec the checks accept: the field, what may happen, what to do."""

    path: str
    message: str
    remedy: str


def check_network(spec: VchSpec) -> list[FieldError]:
    """Every network check that refuses the spec; returns the problems found (empty when all is well)."""
    errors: list[FieldError] = []
    _subnets(spec, errors)
    _check_shared_bridge(spec, errors)
    return errors


def network_warnings(spec: VchSpec) -> list[Risk]:
    """What may go wrong with networks the checks accept: subnets that overlap. Each names the later field."""
    return _overlaps(_subnets(spec, []))


def _subnets(spec: VchSpec, errors: list[FieldError]) -> list[Subnet]:
    subnets: list[Subnet] = []
    bridge = _check_bridge(spec, errors)
    if bridge is not None:
        subnets.append(Subnet("network.bridge.ip_range", bridge, "bridge", "the bridge network range",
                              spec.network.bridge.port_group))
    subnets.extend(_check_roles(spec, errors))
    subnets.extend(_check_containers(spec, errors))
    return subnets


def _parse(errors: list[FieldError], path: str, parser, text: str):  # type: ignore[no-untyped-def]
    try:
        return parser(text)
    except ValueError as exc:
        errors.append(FieldError(path, str(exc)))
        return None


def _check_bridge(spec: VchSpec, errors: list[FieldError]) -> ipaddress.IPv4Network | None:
    bridge = spec.network.bridge
    net = _parse(errors, "network.bridge.ip_range", syntax.network, bridge.ip_range or "")
    if net is not None and isinstance(bridge.network_width, int) and bridge.network_width < net.prefixlen:
        errors.append(FieldError(
            "network.bridge.network_width",
            f"must be at least the range's prefix length /{net.prefixlen} (and at most 30)",
        ))
    return net


def _nameservers(errors: list[FieldError], path: str, servers: list[str]) -> None:
    for index, server in enumerate(servers):
        _parse(errors, f"{path}[{index}]", syntax.ipv4, server)


def _check_role(role: str, net: Network, errors: list[FieldError], public_gateway: str | None = None
                ) -> ipaddress.IPv4Interface | None:
    """``public_gateway``: the public gateway, when ``role`` (client or management) is on the public network's
    port group. There that gateway is the role's too, the default route, needing no routing destinations (VIC
    1.5.8 copies the public settings onto a role sharing its port group)."""
    base = f"network.{role}"
    iface = _parse(errors, f"{base}.static", syntax.interface, net.static) if net.static else None
    gateway = net.gateway
    address = gateway.address if gateway else None
    destinations = gateway.routing_destinations if gateway else []
    if address:
        gw = _parse(errors, f"{base}.gateway.address", syntax.ipv4, address)
        if gw is not None and iface is not None and gw not in iface.network:
            errors.append(FieldError(
                f"{base}.gateway.address", f"{gw} must be inside the static subnet {iface.network}"
            ))
    for index, dest in enumerate(destinations):
        _parse(errors, f"{base}.gateway.routing_destinations[{index}]", syntax.network, dest)
    if role == "public":
        if destinations:
            errors.append(FieldError(
                f"{base}.gateway.routing_destinations",
                "are not allowed: the public gateway is the default route; "
                "routing destinations belong to the client and management networks",
            ))
        if net.static and not address:
            errors.append(FieldError(f"{base}.gateway.address", "is required with a static public IP"))
    else:
        if address and not destinations and address != public_gateway:
            errors.append(FieldError(
                f"{base}.gateway.routing_destinations",
                f"are required with a {role} gateway: the networks (CIDR) reached through it",
            ))
        if destinations and not address:
            errors.append(FieldError(f"{base}.gateway.address", "is required with routing destinations"))
    _nameservers(errors, f"{base}.nameservers", net.nameservers)
    return iface


def _check_roles(spec: VchSpec, errors: list[FieldError]) -> list[Subnet]:
    statics: list[tuple[str, ipaddress.IPv4Interface]] = []
    dns: list[str] = []
    for role in ROLES:
        net = getattr(spec.network, role)
        if net is None:
            continue
        public = spec.network.public
        on_public = role != "public" and public.port_group is not None and \
            public.port_group.same_as(spec.network.port_group_of(role))
        iface = _check_role(role, net, errors, public.gateway.address if on_public and public.gateway else None)
        if iface is not None:
            statics.append((role, iface))
        dns.extend(server for server in net.nameservers if server not in dns)
    if len(dns) > MAX_DNS:
        # The endpoint VM has one resolver list (vic-machine's --dns-server): at most 3 in all roles together.
        errors.append(FieldError("network.public.nameservers", f"at most {MAX_DNS} DNS servers in all, got {len(dns)}"))
    subnets: list[Subnet] = []
    seen: list[tuple[str, ipaddress.IPv4Interface]] = []
    for role, iface in statics:
        port_group = spec.network.port_group_of(role)
        shared = [
            (other, ip)
            for other, ip in seen
            if port_group is not None and port_group.same_as(spec.network.port_group_of(other))
        ]
        if shared:
            other, other_ip = shared[0]
            if other_ip != iface:
                errors.append(FieldError(
                    f"network.{role}.static",
                    f"must equal the {other} network's {other_ip}: both use port group "
                    f"{port_group.display()}, and a port group gets one NIC with one static IP",
                ))
            continue
        seen.append((role, iface))
        subnets.append(Subnet(f"network.{role}.static", iface.network, role, f"the {role} network", port_group,
                              reserved=_reserved(role, iface, getattr(spec.network, role))))
    return subnets


def _reserved(role: str, iface: ipaddress.IPv4Interface, net: Network
              ) -> tuple[tuple[str, ipaddress.IPv4Address], ...]:
    """The addresses of a role's subnet the VCH itself holds: its own static address, and the gateway."""
    out = [(f"the VCH's own {role} address", iface.ip)]
    try:
        gateway = ipaddress.IPv4Address(net.gateway.address) if net.gateway and net.gateway.address else None
    except ValueError:
        gateway = None
    if gateway is not None and gateway in iface.network:
        out.append((f"the {role} gateway", gateway))
    return tuple(out)


def _alias(net: ContainerNetwork) -> str:
    return net.alias or (net.port_group.display() if net.port_group else "")


def _container_subnet(path: str, net: ContainerNetwork, errors: list[FieldError]) -> ipaddress.IPv4Network | None:
    gateway = net.gateway
    if gateway is None or not gateway.address:
        if gateway is not None and gateway.routing_destinations:
            errors.append(FieldError(f"{path}.gateway.address", "is required with routing destinations"))
        return None
    subnet = None
    for index, dest in enumerate(gateway.routing_destinations):
        parsed = _parse(errors, f"{path}.gateway.routing_destinations[{index}]", syntax.network, dest)
        subnet = subnet or parsed
    if "/" in gateway.address:
        iface = _parse(errors, f"{path}.gateway.address", syntax.interface, gateway.address)
        return iface.network if iface is not None else None
    address = _parse(errors, f"{path}.gateway.address", syntax.ipv4, gateway.address)
    if address is None:
        return None
    if len(gateway.routing_destinations) > 1:
        # As VIC 1.5.8: the mask comes from the one routing destination; several leave it unknown.
        errors.append(FieldError(f"{path}.gateway.routing_destinations",
                                 "give exactly one: the subnet (CIDR) of the gateway"))
    elif subnet is None:
        errors.append(FieldError(f"{path}.gateway.address", "needs the subnet: give address/prefix, like 10.1.0.1/16"))
    elif address not in subnet:
        errors.append(FieldError(f"{path}.gateway.address", f"{address} must be inside the subnet {subnet}"))
    return subnet


def _check_containers(spec: VchSpec, errors: list[FieldError]) -> list[Subnet]:
    subnets: list[Subnet] = []
    aliases: dict[str, str] = {}
    for index, net in enumerate(spec.network.container):
        path = f"network.container[{index}]"
        alias = _alias(net)
        alias_path = f"{path}.alias" if net.alias else f"{path}.port_group"
        if alias.lower() in RESERVED_ALIASES:
            errors.append(FieldError(
                alias_path, f"the name {alias!r} is reserved for the bridge network; set another alias"
            ))
        elif alias and alias in aliases:
            errors.append(FieldError(
                alias_path, f"the name {alias!r} is already used by {aliases[alias]}; aliases must be unique"
            ))
        elif alias:
            aliases[alias] = path
        if net.port_group is not None and net.port_group.same_as(spec.network.bridge.port_group):
            errors.append(FieldError(
                f"{path}.port_group", "is the bridge network's port group; use another port group"
            ))
        subnet = _container_subnet(path, net, errors)
        if net.ip_ranges and subnet is None and not (net.gateway and net.gateway.address):
            errors.append(FieldError(
                f"{path}.ip_ranges", "need a gateway with its subnet (gateway.address like 10.1.0.1/16)"
            ))
        spans = []
        for number, text in enumerate(net.ip_ranges):
            span = _parse(errors, f"{path}.ip_ranges[{number}]", syntax.ip_range, text)
            if span is not None and subnet is not None and not (span[0] in subnet and span[1] in subnet):
                errors.append(FieldError(f"{path}.ip_ranges[{number}]", f"{text} must be inside the subnet {subnet}"))
            elif span is not None:
                spans.append((span[0], span[1]))
        _nameservers(errors, f"{path}.nameservers", net.nameservers)
        if subnet is not None:
            subnets.append(Subnet(f"{path}.gateway.address", subnet, "container", f"container network {alias}",
                                  net.port_group, ranges=tuple(spans)))
    return subnets


def _check_shared_bridge(spec: VchSpec, errors: list[FieldError]) -> None:
    bridge = spec.network.bridge.port_group
    if bridge is None:
        return
    for role in ROLES:
        if bridge.same_as(spec.network.port_group_of(role)):
            errors.append(FieldError(
                "network.bridge.port_group",
                f"is also the {role} network; the bridge network needs a port group of its own",
            ))
            return


def _pairs(items: list[Subnet]) -> Iterator[tuple[Subnet, Subnet]]:
    for later in range(len(items)):
        for earlier in range(later):
            yield items[earlier], items[later]


def _overlaps(subnets: list[Subnet]) -> list[Risk]:
    return [_overlap_risk(a, b) for a, b in _pairs(subnets) if a.network.overlaps(b.network)]


def _overlap_risk(a: Subnet, b: Subnet) -> Risk:
    head = f"{b.network} ({b.label}) overlaps {a.network} ({a.label}, {a.path})"
    if "bridge" in (a.kind, b.kind):
        other = b if a.kind == "bridge" else a
        return Risk(b.path, f"{head}: bridge networks are carved from the bridge range, and one that takes "
                            f"addresses of {other.network} cuts the containers on it off from {other.label}",
                    "Choose a bridge network range disjoint from the VCH's other networks")
    container = b if b.kind == "container" else a
    other = a if container is b else b
    same_port_group = a.port_group is not None and a.port_group.same_as(b.port_group)
    if same_port_group and a.network == b.network:
        message = (f"{head}, on the same port group {a.port_group.display()}: containers get addresses of "
                   f"{other.label}'s subnet, so they may take addresses other machines there use")
        clash = _clash(container, other)
        return Risk(b.path, f"{message}; {clash}" if clash else message,
                    "Keep the container IP range to addresses nothing else on that subnet uses")
    if same_port_group:
        return Risk(b.path, f"{head}, on the same port group {a.port_group.display()} with another prefix: "
                            "machines on it disagree on which addresses are local, so some traffic goes to a "
                            "gateway or nowhere",
                    "Give both the same subnet, or each port group a subnet of its own")
    return Risk(b.path, f"{head}, on another port group: traffic for the shared addresses may leave through the "
                        "wrong interface and its answers not come back (VIC Engine 1.5.8 warns of the same subnet "
                        "on two port groups as unsupported)",
                "Give each port group a subnet of its own")


def _clash(container: Subnet, other: Subnet) -> str:
    """What of ``other``'s own addresses the container network would hand out to containers."""
    if container.kind != "container":
        return ""
    if not container.ranges:
        return "without an IP range they get theirs by DHCP there"
    for what, address in other.reserved:
        for first, last in container.ranges:
            if first <= address <= last:
                return f"the range {first}-{last} includes {what} {address}: a container given it takes it over"
    return ""
