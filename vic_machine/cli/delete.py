"""``vic-machine delete``."""

from __future__ import annotations

import click

from vic_machine.cli.options import open_session, output_option, target_options
from vic_machine.cli.output import console, emit_json
from vic_machine.cli.progress import ProgressBar
from vic_machine.cli.select_options import held_iso, select_options
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch


@click.command()
@target_options
@select_options
@output_option
@click.option("--delete-volumes", is_flag=True, help="Also delete the volume stores (their data is lost)")
@click.option("--appliance-iso", "-ai", default=None,
              help="Appliance ISO whose version this installer speaks for (default: appliance.iso if present)")
def delete(target, force, name, vch_id, compute_resource, output, delete_volumes, appliance_iso) -> None:
    """Delete a VCH and its containers.

    Refuses a VCH of another version than the appliance ISO's, or with powered-on containers; --force deletes
    it anyway (powering the containers off).
    """
    # Read before logging in: an unreadable ISO named on the command line is the user's to fix first.
    iso = held_iso(appliance_iso)
    session = open_session(target, force)
    try:
        vch = find_vch(session, vch_id=vch_id, name=name, compute_resource=compute_resource)
        with ProgressBar(quiet=output == "json") as bar:
            result = delete_vch(session, vch, force=force, delete_volumes=delete_volumes, sink=bar,
                                installer=iso)
    finally:
        session.logout()
    if output == "json":
        emit_json(result.to_dict())
        return
    for what in result.removed:
        console.print(f"Removed {what}", highlight=False)
    for what in result.kept:
        console.print(f"Kept {what} (use --delete-volumes to remove it)", highlight=False)
    console.print(f"[green]Completed successfully[/]: VCH {result.name} deleted", highlight=False)
