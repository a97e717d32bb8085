"""``vic-machine cert``: the client certificate bundle of a VCH (zip), or its server certificate."""

from __future__ import annotations

from pathlib import Path

import click

from vic_machine.cli.options import open_session, output_option, target_options
from vic_machine.cli.output import click_echo, emit_json
from vic_machine.cli.select_options import select_options
from vic_machine.operations.cert import client_bundle, server_certificate
from vic_machine.operations.find import find_vch


@click.command()
@target_options
@select_options
@output_option
@click.option("--tls-cert-path", default=None, help="Where create wrote the certificates (default ./<name>/)")
@click.option("--out", "out", default=None, help="Zip file to write (default ./<name>-certs.zip)")
@click.option("--server", is_flag=True, help="Print the VCH's server certificate (PEM) instead")
def cert(target, force, name, vch_id, compute_resource, output, tls_cert_path, out, server) -> None:
    """Package a VCH's client certificates for Docker clients (the key is never stored in vCenter)."""
    session = open_session(target, force)
    try:
        vch = find_vch(session, vch_id=vch_id, name=name, compute_resource=compute_resource)
    finally:
        session.logout()
    if server:
        pem = server_certificate(vch).decode()
        emit_json({"id": vch.id, "certificate": pem}) if output == "json" else click_echo(pem.rstrip())
        return
    data = client_bundle(vch, tls_cert_path or f"./{vch.name}")
    path = Path(out or f"./{vch.name}-certs.zip")
    path.write_bytes(data)
    path.chmod(0o600)  # it holds the client's private key
    emit_json({"id": vch.id, "zip": str(path.resolve())}) if output == "json" else click_echo(
        f"Wrote {path} (ca.pem, cert.pem, key.pem, {vch.name}.env)")
