"""``vic-plugin register | unregister | status``: the plug-in's registration with vCenter."""

from __future__ import annotations

import functools
from pathlib import Path

import click

import plugin_server
from plugin_server import registration
from vic_machine.certs.pem import thumbprint_sha256
from vic_machine.cli.options import open_session, output_option, target_options
from vic_machine.cli.output import emit_json
from vic_machine.errors import FieldError, InputError, VicError
from vic_machine.target import normalize_thumbprint

_key_option = click.option("--key", default=registration.EXTENSION_KEY, show_default=True,
                           help="Extension key of the plug-in in vCenter")


class _InputProblem(click.ClickException):
    exit_code = 2


def _reporting(func):
    """Core errors become one ``Error: …`` line (exit 1, or 2 for bad input), never a stack trace."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            raise _InputProblem("; ".join(f"{e.path}: {e.message}" for e in exc.errors)) from None
        except VicError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def _server_identity(url: str, given: str | None, cert: Path | None) -> tuple[str, str]:
    """(SHA-256 thumbprint, PEM certificate or "") of the plug-in server: from --thumbprint-of-server (no
    certificate then), --server-cert, or what the server at --url presents. A certificate must name --url's host
    in its subjectAltName, as vCenter 8.0 wants of serverCertificate."""
    if given and cert:
        raise InputError(FieldError("server_thumbprint", "give --thumbprint-of-server or --server-cert, not both"))
    if given:
        return normalize_thumbprint(given, "server_thumbprint"), ""
    if cert:
        try:
            pem = cert.read_text(encoding="ascii")
            thumbprint = thumbprint_sha256(pem.encode())
        except (OSError, ValueError, InputError):
            raise InputError(FieldError("server_cert", f"{cert} holds no PEM certificate")) from None
    else:
        pem = registration.server_certificate(url)
        thumbprint = thumbprint_sha256(pem.encode())
        click.echo(f"The plug-in server presents a certificate with SHA-256 thumbprint {thumbprint}")
        click.echo("  (compare it with the one `vic-plugin serve` printed at start)")
    problems = registration.certificate_problems(pem, url)
    if problems:
        raise InputError(FieldError("server_cert", "; ".join(problems)
                                    + " (vic-plugin serve --hostname NAME makes a certificate for NAME)"))
    host, _ = registration.check_manifest_url(url)
    click.echo(f"The certificate names {host}, the host of --url, in its subjectAltName")
    return thumbprint, pem


@click.command(short_help="Register the plug-in in vCenter.")
@target_options
@click.option("--url", required=True,
              help="https URL of the plug-in's manifest as vCenter will reach it: plugin-multi-manifest.zip (each "
                   "vSphere Client release its own manifest) or plugin.json")
@_key_option
@click.option("--thumbprint-of-server", "server_thumbprint",
              help="SHA-256 thumbprint of the plug-in server's certificate (default: read from --url)")
@click.option("--server-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The plug-in server's certificate (PEM), registered with its thumbprint (default: the one the "
                   "server at --url presents)")
@click.option("--admin-email", multiple=True, help="Administrator's e-mail address (default: the vCenter user)")
@_reporting
def register(target, force, url, key, server_thumbprint, server_cert, admin_email) -> None:
    """Register the plug-in in vCenter (or update it to this version).

    --force also replaces a registration of the same version that differs.
    """
    registration.check_manifest_url(url)
    thumbprint, certificate = _server_identity(url, server_thumbprint, server_cert)
    session = open_session(target, force)
    try:
        result = registration.register(session, url, thumbprint, key=key, version=plugin_server.__version__,
                                       admin_email=list(admin_email), force=force, certificate=certificate)
        api = session.about().apiVersion
    finally:
        session.logout()
    where = target.display
    if result.action == "registered":
        click.echo(f"Registered {key} {result.version} in {where}: manifest {url}")
    elif result.action == "unchanged":
        click.echo(f"{key} {result.version} is already registered in {where} with this URL and thumbprint: "
                   "nothing changed")
    elif result.previous_version == result.version:
        click.echo(f"Replaced the registration of {key} {result.version} in {where}")
    else:
        click.echo(f"Updated {key} in {where} from {result.previous_version} to {result.version}")
    for change in result.changes:
        click.echo(f"  {change}")
    if result.certificate:
        click.echo("  with the server's certificate (serverCertificate) and its SHA-256 thumbprint")
    elif certificate:
        click.echo(f"  with the SHA-256 thumbprint alone: vCenter's API {api} has no serverCertificate (8.0.2 has)")


@click.command()
@target_options
@_key_option
@_reporting
def unregister(target, force, key) -> None:
    """Remove the plug-in's registration from vCenter."""
    session = open_session(target, force)
    try:
        removed = registration.unregister(session, key)
    finally:
        session.logout()
    click.echo(f"Unregistered {key} {removed.version} from {target.display}")


@click.command(short_help="Compare the registration with the running server.")
@target_options
@_key_option
@click.option("--url", help="URL of plugin.json on the running server (default: the registered URL)")
@output_option
@_reporting
@click.pass_context
def status(ctx, target, force, key, url, output) -> None:
    """Compare vCenter's registration with the running server; exit code 0 when in sync, 1 otherwise."""
    session = open_session(target, force)
    try:
        result = registration.status(session, key, url)
    finally:
        session.logout()
    if output == "json":
        emit_json(result.to_dict())
    else:
        _print_status(result, target.display)
    ctx.exit(0 if result.in_sync else 1)


def _print_status(result: registration.RegistrationStatus, where: str) -> None:
    held = result.registered
    click.echo(f"Extension {result.key} in {where}")
    if held:
        click.echo(f"  vCenter holds:  version {held.version}")
        click.echo(f"                  URL {held.url}")
        click.echo(f"                  thumbprint {held.server_thumbprint or '(none)'}")
        click.echo(f"                  certificate {'held (serverCertificate)' if held.server_certificate else '(none)'}")
    else:
        click.echo("  vCenter holds:  nothing")
    if result.server_version or result.server_thumbprint:
        click.echo(f"  server at {result.url}:")
        click.echo(f"                  version {result.server_version or '(unknown)'}")
        click.echo(f"                  thumbprint {result.server_thumbprint or '(unknown)'}")
    if result.in_sync:
        click.echo("In sync.")
        return
    click.echo("Out of sync:")
    for difference in result.differences:
        click.echo(f"  - {difference}")
