"""``vic-machine upgrade [--rollback | --reset-progress]``."""

from __future__ import annotations

from pathlib import Path

import click

from vic_machine.certs import CertBundle
from vic_machine.cli.options import debug_option, open_session, output_option, target_options
from vic_machine.cli.output import console, emit_result
from vic_machine.cli.progress import ProgressBar
from vic_machine.cli.select_options import parse_timeout, select_options
from vic_machine.iso import check_isos
from vic_machine.operations.find import find_vch
from vic_machine.operations.upgrade import upgrade as upgrade_vch


def client_certs(cert_path: str | None, name: str) -> CertBundle | None:
    """The client certificate in ``--tls-cert-path`` (default ``./<name>/``), to ask the Docker API when up."""
    folder = Path(cert_path or f"./{name}").expanduser()
    files = {n: folder / n for n in ("ca.pem", "cert.pem", "key.pem")}
    if not all(p.is_file() for p in files.values()):
        return None
    return CertBundle(mode="tlsverify", ca_cert=files["ca.pem"].read_bytes(),
                      client_cert=files["cert.pem"].read_bytes(), client_key=files["key.pem"].read_bytes())


@click.command()
@target_options
@select_options
@output_option
@click.option("--appliance-iso", "-ai", default=None, help="Appliance ISO (default: appliance.iso in $VIC_ISO_DIR or .)")
@click.option("--bootstrap-iso", "-bi", default=None, help="Bootstrap ISO (default: bootstrap.iso beside it)")
@click.option("--tls-cert-path", default=None, help="Where the client certificates are (default ./<name>/)")
@click.option("--timeout", default="3m", show_default=True, help="How long to wait for the VCH to come up")
@click.option("--rollback", is_flag=True, help="Return the VCH to its version before the last upgrade")
@click.option("--reset-progress", is_flag=True,
              help="Only clear the UpdateInProgress mark; never while another upgrade or configure runs")
@debug_option(hidden=False)
def upgrade(target, force, name, vch_id, compute_resource, output, appliance_iso, bootstrap_iso, tls_cert_path,
            timeout, rollback, reset_progress) -> None:
    """Upgrade a VCH to the version of the ISOs; --force even when it has that version already."""
    seconds = parse_timeout(timeout)
    isos = check_isos(appliance_iso, bootstrap_iso, force=force)
    session = open_session(target, force)
    try:
        vch = find_vch(session, vch_id=vch_id, name=name, compute_resource=compute_resource, iso=isos.appliance)
        with ProgressBar(quiet=output == "json" or reset_progress) as bar:
            result = upgrade_vch(session, vch, isos=isos, timeout=seconds, sink=bar, rollback=rollback,
                                 reset_progress=reset_progress, force=force,
                                 certs=client_certs(tls_cert_path, vch.name))
    finally:
        session.logout()
    if emit_result(result, output):
        return
    done = {"upgrade": f"VCH {result.name} upgraded from {result.from_version} to {result.to_version}",
            "rollback": f"VCH {result.name} rolled back from {result.from_version} to {result.to_version}",
            "reset-progress": f"Reset the UpdateInProgress mark of VCH {result.name}"}[result.action]
    console.print(f"[green]Completed successfully[/]: {done}", highlight=False, soft_wrap=True)
