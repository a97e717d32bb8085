"""``vic-machine delete``."""

from __future__ import annotations

import click

from vic_machine.cli.options import debug_option, open_session, output_option, target_options, timeout_option
from vic_machine.cli.output import console, emit_json
from vic_machine.cli.progress import ProgressBar
from vic_machine.cli.select_options import held_iso, parse_timeout, select_options
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.ls import list_vchs
from vic_machine.operations.leftovers import remove_leftovers

# vic-machine 1.5.8's --force also removes the volume stores: the refusals' remedies say so, so nobody loses
# volumes by following them unawares.
FORCE_HINT = "--force (which also removes the VCH's datastore volume stores)"


@click.command()
@target_options
@select_options
@output_option
@click.option("--delete-volumes", is_flag=True,
              help="Remove the datastore volume stores (their data is lost), as --force does, without forcing "
                   "anything else; NFS volume stores are skipped")
@click.option("--appliance-iso", "-ai", default=None,
              help="Appliance ISO whose version this installer speaks for (default: appliance.iso if present)")
@click.option("--leftovers", is_flag=True,
              help="Instead of a VCH, remove what failed or interrupted operations left that is no VCH's piece, as "
                   "vic-machine ls lists it: unused operations-user roles, and snapshots of an interrupted "
                   "configure (with --name, only that VCH's snapshots)")
@timeout_option("each answer of vCenter")
@debug_option()
def delete(target, force, name, vch_id, compute_resource, output, delete_volumes, appliance_iso, leftovers,
           timeout) -> None:
    """Delete a VCH and its containers.

    Refuses a VCH of another version than the appliance ISO's, or with powered-on containers. --force deletes
    it anyway (powering the containers off) and, as in vic-machine 1.5.8, also removes its datastore volume
    stores (NFS ones are skipped with a warning). Without --force or --delete-volumes every volume store is
    kept, and named.
    """
    # Read before logging in: an unreadable ISO named on the command line is the user's to fix first.
    iso = held_iso(appliance_iso)
    seconds = parse_timeout(timeout)
    remove_volumes = force or delete_volumes
    session = open_session(target, force, timeout=seconds)
    if leftovers:
        try:
            removed, failed = remove_leftovers(session, list_vchs(session, compute_resource=compute_resource), name)
        finally:
            session.logout()
        if output == "json":
            emit_json({"removed": removed, "failed": failed})
        else:
            for what in removed:
                console.print(f"Removed {what}", highlight=False, soft_wrap=True)
            for what in failed:
                console.print(f"[red]Could not remove {what}[/]", highlight=False, soft_wrap=True)
            if not removed and not failed:
                console.print("Nothing is left behind", highlight=False)
        if failed:
            raise click.exceptions.Exit(1)
        return
    try:
        # What is left of a VCH whose endpoint VM is gone (listed as being deleted) is found too: delete finishes it.
        vch = find_vch(session, vch_id=vch_id, name=name, compute_resource=compute_resource, remnants=True)
        with ProgressBar(quiet=output == "json") as bar:
            # One message, one line, however narrow the terminal or when there is none: scripts read them.
            bar.console.soft_wrap = True
            result = delete_vch(session, vch, force=force, delete_volumes=remove_volumes, sink=bar,
                                installer=iso, force_hint=FORCE_HINT)
    finally:
        session.logout()
    if output == "json":
        emit_json(result.to_dict())
        return
    # Each removal, kept store and warning was printed once as it happened; only the outcome is left to say.
    if result.kept and not remove_volumes:
        console.print("The kept volume stores still hold their volumes: remove what is not wanted with the vSphere "
                      "Client's datastore browser (NFS ones on their server); delete --force or --delete-volumes "
                      "removes the datastore ones together with the VCH", highlight=False, soft_wrap=True)
    console.print("Firewall rules opened for VCHs (vic-machine update firewall --allow) were not changed; "
                  "see vic-machine update firewall --help", highlight=False, soft_wrap=True)
    console.print(f"[green]Completed successfully[/]: VCH {result.name} deleted", highlight=False, soft_wrap=True)
