"""``vic-machine inspect [config]``: a VCH as VIC 1.5 describes it, or the create options it is configured with."""

from __future__ import annotations

from pathlib import Path

import click

from vic_machine.cli.options import debug_option, open_session, output_option, target_options, timeout_option
from vic_machine.cli.output import click_echo, emit_json
from vic_machine.cli.select_options import held_iso, parse_timeout, select_options
from vic_machine.operations.find import find_vch
from vic_machine.operations.inspect import configured_options_lines, inspect_vch
from vic_machine.operations.inspect_config import inspect_config

CONFIG_FORMATS = ("verbose", "raw")


@click.command()
@click.argument("what", required=False, type=click.Choice(["config"]))
@target_options
@select_options
@output_option
@click.option("--tls-cert-path", default=None, help="Where the client certificates are (default ./<name>/)")
@click.option("--appliance-iso", "-ai", default=None, help="Appliance ISO to compare versions with")
@click.option("--format", "config_format", default="verbose", show_default=True,
              help="inspect config: one option per line (verbose) or all on one line (raw)")
@timeout_option("inspect")
@debug_option()
def inspect(what, target, force, name, vch_id, compute_resource, output, tls_cert_path, appliance_iso,
            config_format, timeout) -> None:
    """Show a VCH's endpoints and Docker settings; `inspect config` prints the create options it is configured
    with, rebuilt from its configuration as vic-machine 1.5.8 prints them."""
    if what == "config" and config_format not in CONFIG_FORMATS:
        click.echo(f"Warning: Invalid configuration output format '{config_format}'. Valid options are raw, "
                   "verbose. Using verbose configuration format", err=True)
        config_format = "verbose"
    seconds = parse_timeout(timeout)
    iso = held_iso(appliance_iso)
    session = open_session(target, force, timeout=seconds)
    try:
        vch = find_vch(session, vch_id=vch_id, name=name, compute_resource=compute_resource, iso=iso)
        options = inspect_config(session, vch.vm, vch.config) if what == "config" else []
    finally:
        session.logout()
    if what == "config":
        if output == "json":
            emit_json({"id": vch.id, "name": vch.name, "create_options": options})
        elif config_format == "raw":
            click_echo(" ".join(options))
        else:
            click_echo("\n".join(configured_options_lines(options)))
        return
    cert_path = tls_cert_path or (f"./{vch.name}" if Path(f"./{vch.name}").is_dir() else None)
    result = inspect_vch(vch, iso, str(Path(cert_path).resolve()) if cert_path else None)
    if output == "json":
        emit_json(result.to_dict())
    else:
        click_echo("\n".join(result.lines()))
