"""``vic-machine create``: validate, then create the VCH with a progress bar; ``--dry-run`` only validates."""

from __future__ import annotations

from pathlib import Path

import click

from vic_machine.cli import debug_log
from vic_machine.cli.create_options import create_options, option_names, spec_from_options
from vic_machine.cli.findings import show_findings
from vic_machine.cli.options import extended_help_option, open_session, output_option, target_options
from vic_machine.cli.output import console, emit_result
from vic_machine.cli.progress import ProgressBar
from vic_machine.cli.select_options import parse_timeout
from vic_machine.errors import FieldError, InputError
from vic_machine.inventory import take_snapshot
from vic_machine.iso import check_isos
from vic_machine.operations.create import CreateResult, create as create_vch
from vic_machine.operations.inspect import connect_command
from vic_machine.spec import validate_input
from vic_machine.validate import has_errors, validate


def _cert_dir(spec, given: str | None, force: bool) -> str | None:
    """VIC's default ``./<name>/``; an existing directory with files is refused before anything is created."""
    if spec.tls_mode() == "no-tls":
        return None
    path = Path(given or f"./{spec.name}").expanduser()
    if path.is_dir() and any(path.iterdir()) and not force:
        raise InputError(FieldError("auth.cert_path", f"{path} already holds files; choose another "
                                                      "--tls-cert-path or use --force to overwrite them"))
    return str(path)


def _report(result: CreateResult, cert_dir: str | None, output: str) -> None:
    if emit_result(result, output):
        return
    console.print(f"[green]Installer completed successfully[/] — VCH {result.name} ({result.vm})", highlight=False)
    console.print(f"VCH Admin Portal: {result.admin_portal}", highlight=False)
    console.print("Docker environment variables:", highlight=False)
    console.print(" ".join(f"{k}={v}" for k, v in result.docker_env.items()), highlight=False, soft_wrap=True)
    mode = result.certs.mode
    cert_path = str(Path(cert_dir).resolve()) if cert_dir else None
    console.print("Connect to docker:", highlight=False)
    console.print(connect_command(result.docker_host, mode, cert_path), highlight=False, soft_wrap=True)


@click.command()
@target_options
@create_options
@output_option
@click.option("--appliance-iso", "-ai", default=None, hidden=True,
              help="Appliance ISO (default: appliance.iso in $VIC_ISO_DIR or .)")
@click.option("--bootstrap-iso", "-bi", default=None, hidden=True,
              help="Bootstrap ISO (default: bootstrap.iso beside it)")
@click.option("--tls-cert-path", default=None, help="Where to write the certificates (default ./<name>/)")
@click.option("--timeout", default="3m", show_default=True, help="How long to wait for the VCH to come up")
@click.option("--dry-run", is_flag=True, help="Only validate the configuration against vCenter; create nothing")
@extended_help_option
def create(target, force, output, appliance_iso, bootstrap_iso, tls_cert_path, timeout, dry_run, **values) -> None:
    """Create a virtual container host (-x shows the advanced options too)."""
    debug_log.show(values.get("debug"))
    spec = spec_from_options({k: values.get(k) for k in option_names()})
    if dry_run:
        validate_input(spec, required=False)
        session = open_session(target, force)
        try:
            findings = validate(spec, take_snapshot(session), session=session, target_display=target.display)
        finally:
            session.logout()
        show_findings(findings, output)
        if has_errors(findings):
            raise click.exceptions.Exit(2)
        return
    # What is required depends on the target (an ESXi host has defaults for the compute resource and bridge
    # network): create checks that once connected, before anything is made.
    validate_input(spec, required=False)
    seconds = parse_timeout(timeout)
    isos = check_isos(appliance_iso, bootstrap_iso, force=force)
    cert_dir = _cert_dir(spec, tls_cert_path, force)
    session = open_session(target, force)
    try:
        with ProgressBar(quiet=output == "json") as bar:
            result = create_vch(session, spec, isos=isos, timeout=seconds, sink=bar, cert_dir=cert_dir, force=force)
    finally:
        session.logout()
    _report(result, cert_dir, output)
