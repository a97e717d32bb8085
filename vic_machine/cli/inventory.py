"""``vic-machine inventory``: what a VCH can use in the target's datacenter."""

from __future__ import annotations

import click

from vic_machine.cli.options import open_session, output_option, target_options
from vic_machine.cli.output import console, emit_json, emit_table
from vic_machine.inventory import Inventory, take_snapshot
from vic_machine.operations.firewall import ruleset_for


def _gib(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB"


def _firewall(host) -> str:
    ruleset = ruleset_for(host)
    if not ruleset:
        return "no VIC ruleset"
    return f"{ruleset} {'enabled' if host.firewall_rulesets.get(ruleset) else 'disabled'}"


def _print(inv: Inventory) -> None:
    console.print(f"[bold]Datacenter {inv.datacenter}[/] (vCenter {inv.vcenter_version})")
    emit_table(["COMPUTE", "KIND", "CPU MHz", "MEMORY MiB", "DRS", "HOSTS"],
               [("  " * (n.path.count("/") - 3) + n.path.rsplit("/", 1)[-1], n.kind, n.capacity.cpu_max_mhz,
                 n.capacity.memory_max_mib, "on" if n.drs_enabled else "", len(n.hosts))
                for n in inv.compute_nodes()])
    console.print()
    emit_table(["HOST", "STATE", "MAINTENANCE", "VIC FIREWALL"],
               [(h.name, h.connection_state, "yes" if h.in_maintenance else "", _firewall(h)) for h in inv.hosts])
    console.print()
    emit_table(["DATASTORE", "TYPE", "CAPACITY", "FREE", "HOSTS"],
               [(d.name, d.type, _gib(d.capacity), _gib(d.free_space), len(d.hosts)) for d in inv.datastores])
    console.print()
    emit_table(["NETWORK", "KIND", "SWITCH", "HOSTS"],
               [(n.name, n.kind, n.switch_name, len(n.hosts)) for n in inv.networks])


@click.command()
@target_options
@output_option
def inventory(target, force, output) -> None:
    """Show the compute resources, hosts, datastores and networks a VCH can use."""
    session = open_session(target, force)
    try:
        inv = take_snapshot(session)
    finally:
        session.logout()
    if output == "json":
        emit_json(inv.to_json())
    else:
        _print(inv)
