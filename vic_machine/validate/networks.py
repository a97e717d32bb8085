"""Network checks: the bridge port group, the endpoint's networks and container networks, from the hosts' side."""

from __future__ import annotations

from vic_machine.esxi.defaults import bridge_to_create
from vic_machine.inventory import Network
from vic_machine.spec.net_checks import network_warnings
from vic_machine.validate.context import Context
from vic_machine.validate.findings import Finding, error, warning

STEP = "networks"
ROLES = ("public", "client", "management")


def _resolve(ctx: Context, ref, role: str, path: str, what: str, findings: list[Finding]) -> Network | None:
    # Codes name the role, not the path: a container network's path carries its index.
    if ref is None or not (ref.id or ref.name):
        return None
    found = ctx.networks(ref)
    if not found:
        names = ", ".join(sorted({n.name for n in ctx.inventory.networks})) or "none"
        findings.append(error(f"network.{role}.not_found", path, STEP,
                              f"{what} {ref.display()!r} not found in datacenter {ctx.inventory.datacenter}",
                              f"Choose one of: {names}"))
        return None
    if len(found) > 1:
        findings.append(error(f"network.{role}.ambiguous", path, STEP,
                              f"{what} name {ref.display()!r} is used by {len(found)} networks "
                              f"({', '.join(f'{n.id} on {n.switch_name or n.kind}' for n in found)})",
                              "Choose it by id"))
        return None
    return found[0]


def _missing_hosts(ctx: Context, net: Network) -> list[str]:
    members = set(net.hosts)
    return [h.name for h in ctx.usable_hosts if h.id not in members]


def _check_bridge(ctx: Context, findings: list[Finding], used: dict[str, str]) -> None:
    path = "network.bridge.port_group"
    ref = ctx.spec.network.bridge.port_group
    if ctx.inventory.esxi and (ref is None or not (ref.id or ref.name) or bridge_to_create(ctx.spec, ctx.inventory)):
        return  # on a host, as 1.5.8: made by create (a switch and port group named after the bridge or VCH)
    if ref is None or not (ref.id or ref.name):
        dpgs = ", ".join(n.name for n in ctx.inventory.networks if n.kind == "distributed") or "none"
        findings.append(error("network.bridge.required", path, STEP, "A bridge network is required",
                              f"Choose a distributed port group used by nothing else; available: {dpgs}"))
        return
    net = _resolve(ctx, ref, "bridge", path, "Bridge network", findings)
    if net is None:
        return
    used[net.id] = "bridge"
    standalone = ctx.compute is not None and ctx.compute.kind == "host"
    if net.kind == "standard" and not standalone:
        findings.append(error("network.bridge.not_distributed", path, STEP,
                              f"Bridge network {net.name} is a standard port group; on a cluster it must be a "
                              "distributed port group (or an NSX network) present on every host",
                              "Create a distributed port group for this VCH's bridge and choose it"))
        return
    missing = _missing_hosts(ctx, net)
    if missing:
        where = "in the vDS" if net.kind == "distributed" else "connected to it"
        findings.append(error("network.bridge.hosts_missing", path, STEP,
                              f"All cluster hosts must be {where}: bridge network {net.name} does not reach "
                              f"{', '.join(missing)}",
                              f"Add those hosts to {net.switch_name or 'the switch'}, or choose another port group"))


def _check_roles(ctx: Context, findings: list[Finding], used: dict[str, str]) -> None:
    statics: dict[str, tuple[str, str]] = {}
    checked: list = []
    for role in ROLES:
        spec_net = ctx.spec.network.effective(role)
        # An unset client or management network is the one it inherits: check that once, not per role.
        if any(spec_net is seen for seen in checked):
            continue
        checked.append(spec_net)
        path = f"network.{role}.port_group"
        net = _resolve(ctx, spec_net.port_group, role, path, f"{role.capitalize()} network", findings)
        if net is None:
            continue
        if used.get(net.id) == "bridge":
            findings.append(error("network.bridge.shared", "network.bridge.port_group", STEP,
                                  f"Bridge network {net.name} is also the {role} network",
                                  "The bridge needs a port group of its own: choose another one for one of them"))
            continue
        used.setdefault(net.id, role)
        missing = _missing_hosts(ctx, net)
        if missing:
            findings.append(error(f"network.{role}.hosts_missing", path, STEP,
                                  f"{role.capitalize()} network {net.name} is not available on {', '.join(missing)}",
                                  "Choose a port group every host of the compute resource has"))
        if spec_net.static:
            previous = statics.get(net.id)
            if previous and previous[1] != spec_net.static:
                findings.append(error(f"network.{role}.static_conflict", f"network.{role}.static", STEP,
                                      f"{role.capitalize()} and {previous[0]} networks share port group {net.name} "
                                      f"but have different static addresses",
                                      "Roles sharing a port group share one interface: give them the same "
                                      "address"))
            statics.setdefault(net.id, (role, spec_net.static))


def _check_containers(ctx: Context, findings: list[Finding], used: dict[str, str]) -> None:
    for i, cn in enumerate(ctx.spec.network.container):
        path = f"network.container[{i}].port_group"
        net = _resolve(ctx, cn.port_group, "container", path, "Container network", findings)
        if net is None:
            continue
        if used.get(net.id) == "bridge":
            findings.append(error("network.bridge.shared", "network.bridge.port_group", STEP,
                                  f"Bridge network {net.name} is also container network {cn.alias or net.name}",
                                  "Choose another port group for the bridge or the container network"))
        missing = _missing_hosts(ctx, net)
        if missing:
            findings.append(error("network.container.hosts_missing", path, STEP,
                                  f"Container network {net.name} is not available on {', '.join(missing)}",
                                  "Choose a port group every host of the compute resource has"))


def check_networks(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    used: dict[str, str] = {}
    _check_bridge(ctx, findings, used)
    _check_roles(ctx, findings, used)
    _check_containers(ctx, findings, used)
    # Overlapping subnets: vCenter does not look at addresses and VIC Engine 1.5.8 made such VCHs; what may go
    # wrong with them is said, and the create goes on.
    findings += [warning("network.subnet_overlap", risk.path, STEP, risk.message, risk.remedy)
                 for risk in network_warnings(ctx.spec)]
    return findings
