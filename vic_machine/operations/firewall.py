"""``update firewall --allow|--deny``: the vic-engine ruleset (outbound 2377/tcp) on each host of a compute resource."""

from __future__ import annotations

from dataclasses import dataclass

from pyVmomi import vim

from vic_machine.errors import InputError, FieldError, VicError
from vic_machine.inventory import Inventory
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session

RULESET = "vic-engine"


@dataclass(frozen=True)
class HostFirewallResult:
    host: str
    ok: bool
    message: str

    def to_dict(self) -> dict:
        return {"host": self.host, "ok": self.ok, "message": self.message}


def update_firewall(session: Session, inventory: Inventory, compute: str, allow: bool) -> list[HostFirewallResult]:
    """Enable (``allow``) or disable ruleset vic-engine on every host of ``compute``; one result per host.

    :raise InputError: ``compute`` does not name exactly one compute resource.
    """
    matches = inventory.find_compute(compute) if compute else list(inventory.compute)
    if len(matches) != 1:
        known = ", ".join(n.path for n in inventory.compute_nodes())
        what = "matches several compute resources" if matches else "names no compute resource"
        raise InputError(FieldError("compute.resource", f"{compute!r} {what}; choose one of: {known}"))
    hosts = [vim.HostSystem(h.id, session.stub) for h in inventory.hosts_of(matches[0])]
    names = {h.id: h.name for h in inventory.hosts}
    systems = retrieve_objects(session.content, hosts, ["configManager.firewallSystem"])
    results = []
    for host in hosts:
        name = names.get(host._moId, host._moId)
        system = systems.get(host, {}).get("configManager.firewallSystem")
        try:
            with vsphere_call(f"{'enable' if allow else 'disable'} ruleset {RULESET}", obj=name):
                if system is None:
                    raise VicError(f"host {name} has no firewall system")
                (system.EnableRuleset if allow else system.DisableRuleset)(id=RULESET)
        except VicError as exc:
            results.append(HostFirewallResult(name, False, str(exc)))
            continue
        results.append(HostFirewallResult(name, True, f"ruleset {RULESET} {'enabled' if allow else 'disabled'}"))
    return results
