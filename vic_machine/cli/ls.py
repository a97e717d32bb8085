"""``vic-machine ls``: vic-machine 1.5.8's columns, laid out as it lays them out; ours only with ``--wide``.

Listed too (issue 14): a VCH being created or deleted says so in UPGRADE STATUS, and what is left of one whose
endpoint VM is gone is a row of its own (Being deleted, Being created, Incomplete) that ``delete --id`` finishes;
after the table, on stderr, what each such row still holds and what is left that is no VCH's (unused
operations-user roles, snapshots of an interrupted configure), with the command that removes it.
"""

import click

from vic_machine.cli.options import debug_option, open_session, output_option, target_options, timeout_option
from vic_machine.cli.output import click_echo, emit_json, errors, tab_text
from vic_machine.cli.select_options import held_iso, parse_timeout
from vic_machine.operations.ls import list_vchs
from vic_machine.operations.leftovers import leftovers

COLUMNS = ("ID", "PATH", "NAME", "VERSION", "UPGRADE STATUS")
WIDE_COLUMNS = ("POWER STATE", "DOCKER ENDPOINT", "ADMIN PORTAL")


@click.command()
@target_options
@output_option
@click.option("--compute-resource", "-r", default="", help="Only VCHs under this cluster, host or pool")
@click.option("--appliance-iso", "-ai", default=None,
              help="Appliance ISO to compare versions with (default: appliance.iso in $VIC_ISO_DIR or .)")
@click.option("--wide", "-w", is_flag=True, help=f"Also {', '.join(WIDE_COLUMNS)} (columns vic-machine 1.5.8 has not)")
@timeout_option("the list")
@debug_option()
def ls(target, force, output, compute_resource, appliance_iso, wide, timeout) -> None:
    """List the virtual container hosts of a datacenter."""
    seconds = parse_timeout(timeout)
    iso = held_iso(appliance_iso)
    session = open_session(target, force, timeout=seconds)
    try:
        vchs = list_vchs(session, compute_resource=compute_resource, iso=iso, remnants=True)
        left = leftovers(session, vchs)
    finally:
        session.logout()
    if output == "json":
        emit_json({"vchs": [v.to_dict() for v in vchs], "leftovers": [item.to_dict() for item in left]})
        return
    rows = [(v.id, v.path, v.name, v.version, v.upgrade_status) for v in vchs]
    header = COLUMNS
    if wide:
        header += WIDE_COLUMNS
        rows = [(*row, v.power_state, v.docker_host, v.admin_portal) for row, v in zip(rows, vchs)]
    # As 1.5.8 prints it: a blank line, then the columns (scripts parse this; it is never cut to a width).
    click_echo("\n" + tab_text([header, *rows]))
    if not vchs:
        errors.print(f"No virtual container hosts found on {target.display}.", highlight=False)
    for v in vchs:
        if v.remnant is not None:
            errors.print(f"VCH {v.name} ({v.id}) is {v.upgrade_status.lower()}; left: {', '.join(v.left)}. Remove "
                         f"it with: vic-machine delete --id {v.id}", highlight=False, soft_wrap=True)
    if left:
        errors.print("Left behind by failed or interrupted operations:", highlight=False)
        for item in left:
            errors.print(f"  {item.what}: remove with {item.remedy}", highlight=False, soft_wrap=True)
