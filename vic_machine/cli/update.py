"""``vic-machine update firewall --allow|--deny``."""

from __future__ import annotations

import click

from vic_machine.cli.goflags import GoFlagsGroup
from vic_machine.cli.options import debug_option, open_session, output_option, target_options, timeout_option
from vic_machine.cli.output import emit_json, emit_table
from vic_machine.cli.select_options import parse_timeout
from vic_machine.inventory import take_snapshot
from vic_machine.operations.firewall import update_firewall


@click.group(cls=GoFlagsGroup)
def update() -> None:
    """Change settings of the target (firewall)."""


@update.command()
@target_options
@output_option
@click.option("--compute-resource", "-r", help="Cluster, host or resource pool whose hosts to change")
@click.option("--allow", "action", flag_value="allow", help="Enable ruleset vic-engine (outbound 2377/tcp)")
@click.option("--deny", "action", flag_value="deny", help="Disable ruleset vic-engine")
@timeout_option("the firewall update")
@debug_option()
def firewall(target, force, output, compute_resource, action, timeout) -> None:
    """Allow or deny VCHs' outbound 2377/tcp in the firewall of each host of a compute resource."""
    if action is None:
        raise click.UsageError("choose --allow or --deny")
    seconds = parse_timeout(timeout)
    session = open_session(target, force, timeout=seconds)
    try:
        results = update_firewall(session, take_snapshot(session), compute_resource or "", action == "allow")
    finally:
        session.logout()
    if output == "json":
        emit_json({"hosts": [r.to_dict() for r in results]})
    else:
        emit_table(["HOST", "RESULT"], [(r.host, ("ok: " if r.ok else "FAILED: ") + r.message) for r in results])
    if not all(r.ok for r in results):
        raise click.exceptions.Exit(1)
