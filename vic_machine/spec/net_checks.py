"""Input checks of the ``network`` part: addresses, gateways, ranges, aliases and overlaps."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from vic_machine.errors import FieldError
from vic_machine.spec import syntax
from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ContainerNetwork
from vic_machine.spec.network_model import Network

ROLES = ("public", "client", "management")
RESERVED_ALIASES = ("bridge",)
MAX_DNS = 3

Subnet = tuple[str, ipaddress.IPv4Network]  # (field path, network)


def check_network(spec: VchSpec) -> list[FieldError]:
    """Every network check; returns the problems found (empty when all is well)."""
    errors: list[FieldError] = []
    subnets: list[Subnet] = []
    bridge = _check_bridge(spec, errors)
    if bridge is not None:
        subnets.append(("network.bridge.ip_range", bridge))
    subnets.extend(_check_roles(spec, errors))
    subnets.extend(_check_containers(spec, errors))
    _check_shared_bridge(spec, errors)
    errors.extend(_overlaps(subnets))
    return errors


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


def _check_role(role: str, net: Network, errors: list[FieldError]) -> ipaddress.IPv4Interface | None:
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
        if address and not destinations:
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
        iface = _check_role(role, net, errors)
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
        subnets.append((f"network.{role}.static", iface.network))
    return subnets


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
    if subnet is None:
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
        for number, text in enumerate(net.ip_ranges):
            span = _parse(errors, f"{path}.ip_ranges[{number}]", syntax.ip_range, text)
            if span is not None and subnet is not None and not (span[0] in subnet and span[1] in subnet):
                errors.append(FieldError(f"{path}.ip_ranges[{number}]", f"{text} must be inside the subnet {subnet}"))
        _nameservers(errors, f"{path}.nameservers", net.nameservers)
        if subnet is not None:
            subnets.append((f"{path}.gateway.address", subnet))
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


def _overlaps(subnets: list[Subnet]) -> list[FieldError]:
    return [
        FieldError(path, f"{net} overlaps {other_net} ({other_path}); the networks must be disjoint")
        for (other_path, other_net), (path, net) in _pairs(subnets)
        if net.overlaps(other_net)
    ]
