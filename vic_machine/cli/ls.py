"""``vic-machine ls``."""

import click

from vic_machine.cli.options import open_session, output_option, target_options
from vic_machine.cli.output import emit_json, emit_table
from vic_machine.operations.ls import as_dicts, list_vchs


@click.command()
@target_options
@output_option
def ls(target, force, output) -> None:
    """List the virtual container hosts of a datacenter."""
    session = open_session(target, force)
    try:
        vchs = list_vchs(session)
    finally:
        session.logout()
    if output == "json":
        emit_json({"vchs": as_dicts(vchs)})
        return
    emit_table(["ID", "PATH", "NAME", "VERSION", "POWER"],
               [(v.id, v.path, v.name, v.version, v.power_state) for v in vchs],
               empty=f"No virtual container hosts found on {target.display}.")
