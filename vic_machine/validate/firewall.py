"""Firewall: every host that reaches the image datastore must let the VCH reach 2377/tcp outbound.

The state comes from each host's firewall system (what Enable/DisableRuleset change). As VIC 1.5.8 judges it,
an enabled vic-engine (vSphere 6.7+) or vSPC (all outbound TCP; what ``update firewall`` enables on hosts
without vic-engine) lets the VCH out.
"""

from __future__ import annotations

from vic_machine.operations.firewall import RULESETS, ruleset_for
from vic_machine.validate.context import Context
from vic_machine.validate.findings import Finding, error, warning

STEP = "compute"
PATH = "compute.resource"


def check_firewall(ctx: Context) -> list[Finding]:
    """An error for hosts whose firewall blocks outbound 2377/tcp, a warning for hosts with the firewall open."""
    if ctx.compute is None:
        return []
    datastore = ctx.image_datastore()
    hosts = [h for h in ctx.usable_hosts if datastore is None or h.id in datastore.hosts]
    fixable, unfixable, open_policy = [], [], []
    for host in hosts:
        if host.firewall_allows_outgoing:
            open_policy.append(host.name)
        elif not any(host.firewall_rulesets.get(r) for r in RULESETS):
            (fixable if ruleset_for(host) else unfixable).append(host.name)
    findings = []
    blocked = fixable + unfixable
    if blocked:
        message = f"Firewall must permit dst 2377/tcp outbound to the VCH management interface on: {', '.join(blocked)}"
        remedies = []
        if fixable:
            remedies.append(
                f"Run: vic-machine update firewall --allow --target {ctx.target_display or '<target>'} "
                f"--compute-resource '{ctx.compute.path}' (enables ruleset vic-engine on each host, "
                f"or vSPC on hosts without it, as before vSphere 6.7)")
        if unfixable:
            remedies.append(f"{', '.join(unfixable)} have neither ruleset {' nor '.join(RULESETS)}: open outbound "
                            "2377/tcp in their firewall yourself")
        findings.append(error("firewall.blocked", PATH, STEP, message, "; ".join(remedies)))
    if open_policy:
        findings.append(warning(
            "firewall.disabled", PATH, STEP,
            f"The firewall allows all outgoing traffic on: {', '.join(open_policy)}",
            "Nothing to do for the VCH; consider enabling the firewall and ruleset vic-engine"))
    return findings
