"""Firewall: every host that reaches the image datastore must let the VCH reach 2377/tcp outbound."""

from __future__ import annotations

from vic_machine.validate.context import Context
from vic_machine.validate.findings import Finding, error, warning

STEP = "compute"
PATH = "compute.resource"
RULESETS = ("vic-engine", "vSPC")  # vSPC on vSphere 6.5, vic-engine from 6.7


def check_firewall(ctx: Context) -> list[Finding]:
    if ctx.compute is None:
        return []
    datastore = ctx.image_datastore()
    hosts = [h for h in ctx.usable_hosts if datastore is None or h.id in datastore.hosts]
    blocked, open_policy = [], []
    for host in hosts:
        if host.firewall_allows_outgoing:
            open_policy.append(host.name)
        elif not any(host.firewall_rulesets.get(r) for r in RULESETS):
            blocked.append(host.name)
    findings = []
    if blocked:
        findings.append(error(
            "firewall.blocked", PATH, STEP,
            f"Firewall must permit dst 2377/tcp outbound to the VCH management interface on: {', '.join(blocked)}",
            f"Run: vic-machine update firewall --allow --target {ctx.target_display or '<target>'} "
            f"--compute-resource '{ctx.compute.path}' (enables ruleset vic-engine on each host)"))
    if open_policy:
        findings.append(warning(
            "firewall.disabled", PATH, STEP,
            f"The firewall allows all outgoing traffic on: {', '.join(open_policy)}",
            "Nothing to do for the VCH; consider enabling the firewall and ruleset vic-engine"))
    return findings
