"""Host state checks VIC 1.5 missed: no hosts, disconnected hosts and hosts in maintenance mode."""

from __future__ import annotations

from vic_machine.validate.context import Context
from vic_machine.validate.findings import Finding, error, warning

STEP = "compute"
PATH = "compute.resource"


def _state(host) -> str:
    if host.connection_state != "connected":
        return host.connection_state
    return "in maintenance mode" if host.in_maintenance else "usable"


def check_hosts(ctx: Context) -> list[Finding]:
    if ctx.compute is None:
        return []
    if not ctx.hosts:
        # An empty cluster resolves fine but has nowhere to run the endpoint VM.
        return [error("compute.no_usable_host", PATH, STEP, f"{ctx.compute.name} has no hosts",
                      "Add hosts to the cluster, or choose another compute resource")]
    unusable = [h for h in ctx.hosts if not h.usable]
    if not unusable:
        return []
    described = ", ".join(f"{h.name} ({_state(h)})" for h in unusable)
    if len(unusable) == len(ctx.hosts):
        return [error("compute.no_usable_host", PATH, STEP,
                      f"No host of {ctx.compute.name} can run the VCH: {described}",
                      "Reconnect the hosts or take them out of maintenance mode, or choose another compute resource")]
    return [warning("compute.hosts_unusable", PATH, STEP,
                    f"Some hosts of {ctx.compute.name} cannot run VMs now: {described}",
                    "The VCH and its containers will run on the other hosts; reconnect these or take them out of "
                    "maintenance mode")]
