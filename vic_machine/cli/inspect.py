"""``vic-machine inspect [config]``: a VCH as VIC 1.5 describes it, or the create flags it was made with."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from vic_machine.cli.options import open_session, output_option, target_options
from vic_machine.cli.output import click_echo, emit_json
from vic_machine.cli.select_options import held_iso, select_options
from vic_machine.operations.find import find_vch
from vic_machine.operations.inspect import create_flags, inspect_vch


@click.command()
@click.argument("what", required=False, type=click.Choice(["config"]))
@target_options
@select_options
@output_option
@click.option("--tls-cert-path", default=None, help="Where the client certificates are (default ./<name>/)")
@click.option("--appliance-iso", "-ai", default=None, help="Appliance ISO to compare versions with")
def inspect(what, target, force, name, vch_id, compute_resource, output, tls_cert_path, appliance_iso) -> None:
    """Show a VCH's endpoints and Docker settings; `inspect config` prints its create flags."""
    iso = held_iso(appliance_iso)
    session = open_session(target, force)
    try:
        vch = find_vch(session, vch_id=vch_id, name=name, compute_resource=compute_resource, iso=iso)
    finally:
        session.logout()
    if what == "config":
        flags = create_flags(vch)
        if output == "json":
            emit_json({"id": vch.id, "name": vch.name, "create_options": flags})
        else:
            click_echo("vic-machine create " + " ".join(shlex.quote(f) for f in flags))
        return
    cert_path = tls_cert_path or (f"./{vch.name}" if Path(f"./{vch.name}").is_dir() else None)
    result = inspect_vch(vch, iso, str(Path(cert_path).resolve()) if cert_path else None)
    if output == "json":
        emit_json(result.to_dict())
    else:
        click_echo("\n".join(result.lines()))
