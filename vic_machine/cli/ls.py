"""``vic-machine ls``."""

import click

from vic_machine.cli.options import open_session, output_option, target_options
from vic_machine.cli.output import emit_json, emit_table
from vic_machine.cli.select_options import held_iso
from vic_machine.operations.ls import list_vchs


@click.command()
@target_options
@output_option
@click.option("--compute-resource", "-r", default="", help="Only VCHs under this cluster, host or pool")
@click.option("--appliance-iso", "-ai", default=None, help="Appliance ISO to compare versions with")
def ls(target, force, output, compute_resource, appliance_iso) -> None:
    """List the virtual container hosts of a datacenter."""
    iso = held_iso(appliance_iso)
    session = open_session(target, force)
    try:
        vchs = list_vchs(session, compute_resource=compute_resource, iso=iso)
    finally:
        session.logout()
    if output == "json":
        emit_json({"vchs": [v.to_dict() for v in vchs]})
        return
    emit_table(["ID", "PATH", "NAME", "VERSION", "UPGRADE STATUS", "POWER", "DOCKER ENDPOINT"],
               [(v.id, v.path, v.name, v.version, v.upgrade_status, v.power_state, v.docker_host) for v in vchs],
               empty=f"No virtual container hosts found on {target.display}.")
