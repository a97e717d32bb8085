"""``update firewall --allow|--deny``: let VCHs reach 2377/tcp outbound from each host of a compute resource.

vSphere 6.7 and later hosts have ruleset vic-engine (outbound 2377/tcp). Older hosts do not; there, as VIC
Engine's vic-machine 1.5.8 does, ruleset vSPC (all outbound TCP) is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyVmomi import vim

from vic_machine.errors import FieldError, InputError, VicError, VSphereError
from vic_machine.inventory import Host, Inventory
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session

RULESET = "vic-engine"
# Hosts before vSphere 6.7 have no vic-engine; vSPC opens all outbound TCP, 2377 included.
FALLBACK_RULESET = "vSPC"
RULESETS = (RULESET, FALLBACK_RULESET)


@dataclass(frozen=True)
class HostFirewallResult:
    host: str
    ok: bool
    message: str
    ruleset: str = ""  # the ruleset changed; empty when none was

    def to_dict(self) -> dict:
        return {"host": self.host, "ok": self.ok, "message": self.message, "ruleset": self.ruleset}


def ruleset_for(host: Host) -> str:
    """The ruleset ``update firewall`` changes on ``host``: vic-engine, else vSPC; "" when it has neither."""
    return next((r for r in RULESETS if r in host.firewall_rulesets), "")


def firewall_hosts(inventory: Inventory, compute: str) -> list[Host]:
    """The hosts :func:`update_firewall` changes for ``compute`` (the only compute resource when empty).

    :raise InputError: ``compute`` does not name exactly one compute resource.
    """
    matches = inventory.find_compute(compute) if compute else list(inventory.compute)
    if len(matches) != 1:
        known = ", ".join(n.path for n in inventory.compute_nodes())
        what = "matches several compute resources" if matches else "names no compute resource"
        raise InputError(FieldError("compute.resource", f"{compute!r} {what}; choose one of: {known}"))
    return list(inventory.hosts_of(matches[0]))


def update_firewall(session: Session, inventory: Inventory, compute: str, allow: bool) -> list[HostFirewallResult]:
    """Enable (``allow``) or disable ruleset vic-engine on every host of ``compute``; one result per host.

    A host without vic-engine (vSphere before 6.7) gets ruleset vSPC changed instead.

    :raise InputError: ``compute`` does not name exactly one compute resource.
    """
    hosts = [vim.HostSystem(h.id, session.stub) for h in firewall_hosts(inventory, compute)]
    names = {h.id: h.name for h in inventory.hosts}
    systems = retrieve_objects(session.content, hosts, ["configManager.firewallSystem"])
    results = []
    for host in hosts:
        name = names.get(host._moId, host._moId)
        system = systems.get(host, {}).get("configManager.firewallSystem")
        try:
            if system is None:
                raise VicError(f"Host {name} has no firewall system",
                               remedy="Check the host's connection state in the vSphere Client")
            ruleset = _change(system, name, allow)
        except VicError as exc:
            results.append(HostFirewallResult(name, False, str(exc)))
            continue
        results.append(HostFirewallResult(name, True, _done(ruleset, allow), ruleset))
    return results


def _change(system: vim.host.FirewallSystem, host: str, allow: bool) -> str:
    """Enable or disable vic-engine on one host, else vSPC when the host has no vic-engine; the ruleset changed."""
    verb = "enable" if allow else "disable"
    for ruleset in RULESETS:
        try:
            with vsphere_call(f"{verb} ruleset {ruleset}", obj=host):
                (system.EnableRuleset if allow else system.DisableRuleset)(id=ruleset)
            return ruleset
        except VSphereError as exc:
            # NotFound is vSphere's answer for a ruleset the host does not have. Any other fault is
            # reported as is: falling back then would open all outbound TCP for an unrelated failure.
            if exc.fault != "NotFound":
                raise
    raise VicError(f"Cannot {verb} 2377/tcp outbound on host {host}: it has neither ruleset {RULESET} nor "
                   f"{FALLBACK_RULESET}",
                   remedy="Open outbound 2377/tcp in the host's firewall yourself (vSphere Client: host, "
                          "Configure, Firewall), or ask its administrator")


def _done(ruleset: str, allow: bool) -> str:
    state = "enabled" if allow else "disabled"
    if ruleset == RULESET:
        return f"ruleset {ruleset} {state}"
    effect = "now allows all outbound TCP" if allow else "no longer allows outbound TCP"
    return f"ruleset {ruleset} {state} (the host has no ruleset {RULESET}, as before vSphere 6.7; {ruleset} {effect})"
