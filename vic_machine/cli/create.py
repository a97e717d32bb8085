"""``vic-machine create``."""

from __future__ import annotations

import click

from vic_machine.cli.create_options import create_options, option_names, spec_from_options
from vic_machine.cli.findings import show_findings
from vic_machine.cli.options import open_session, output_option, target_options
from vic_machine.inventory import take_snapshot
from vic_machine.spec import validate_input
from vic_machine.validate import has_errors, validate


@click.command()
@target_options
@create_options
@output_option
@click.option("--dry-run", is_flag=True, help="Only validate the configuration against vCenter; create nothing")
def create(target, force, output, dry_run, **values) -> None:
    """Create a virtual container host."""
    spec = spec_from_options({k: values.get(k) for k in option_names()})
    validate_input(spec, required=False)
    session = open_session(target, force)
    try:
        inventory = take_snapshot(session)
        findings = validate(spec, inventory, session=session, target_display=target.display)
    finally:
        session.logout()
    show_findings(findings, output)
    if has_errors(findings):
        raise click.exceptions.Exit(1)
    if not dry_run:
        raise click.UsageError("creating a VCH is not available in this build yet: use --dry-run to validate")
