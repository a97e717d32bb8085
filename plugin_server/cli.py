"""``vic-plugin serve | register | unregister | status``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from plugin_server.app import create_app
from plugin_server.bundle_store import derive_key
from plugin_server.cli_registration import register, status, unregister
from plugin_server.security import parse_size
from plugin_server.serve import THREADS, PluginServer
from plugin_server.tls import certificate_names, certificate_thumbprint, ensure_certificate, machine_names
from vic_machine.errors import InputError
from vic_machine.target import normalize_thumbprint


def _default_state_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "vic-plugin"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """The vSphere Client plug-in server for virtual container hosts."""


@cli.command()
@click.option("--bind", default="127.0.0.1:8443", show_default=True, help="Address and port to listen on")
@click.option("--cert", type=click.Path(exists=True, dir_okay=False), help="TLS certificate (PEM)")
@click.option("--key", type=click.Path(exists=True, dir_okay=False), help="TLS private key (PEM)")
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path), default=_default_state_dir,
              help="Where a generated certificate is kept")
@click.option("--hostname", "hostnames", multiple=True, metavar="NAME",
              help="A name (or address) this server is reached as, put in the generated certificate's SAN "
                   "(repeatable; default: the machine's names and the --bind address); a kept certificate "
                   "without it is replaced")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes  [default: one per usable core]")
@click.option("--threads", default=THREADS, show_default=True,
              help="Threads per worker; an open progress stream holds one, and a quarter (at least 2) are kept "
                   "for every other request")
@click.option("--max-streams-per-user", default=8, show_default=True,
              help="Progress streams one user may hold open at once (across the replica's workers)")
@click.option("--vcenter", "vcenters", multiple=True, metavar="HOST[:PORT]=THUMBPRINT",
              help="A vCenter this server acts on, with its certificate's thumbprint (repeatable); no other "
                   "vCenter is ever connected to")
@click.option("--clone-ticket-url", help="Where the vSphere Client session token is traded for a clone ticket "
                                         "(default: https://<vcenter>/api/ui/vcenter/session/clone-ticket)")
@click.option("--iso-dir", type=click.Path(file_okay=False), help="Folder with appliance.iso and bootstrap.iso")
@click.option("--max-request-size", default="4M", show_default=True, metavar="SIZE",
              help="Largest request body accepted (bytes, or with K or M); larger ones are answered 413")
@click.option("--frame-ancestor", "frame_ancestors", multiple=True, metavar="ORIGIN",
              help="An origin allowed to frame the views besides the --vcenter ones (repeatable)")
@click.option("--operation-heartbeat", default=5.0, show_default=True, metavar="SECONDS",
              help="How often a running operation's vCenter task hears from the server running it; any server "
                   "reads an operation not heard of for 4 of them as failed (its server died)")
@click.option("--graceful-timeout", default=30, show_default=True, metavar="SECONDS",
              help="On SIGTERM, running operations may finish for half of this, are then cancelled (undone), and "
                   "any still running at the end are handed back as failed; then the server exits")
@click.option("--stream-keepalive", default=15.0, show_default=True, metavar="SECONDS",
              help="A quiet progress stream gets a keep-alive this often, whichever replica serves it: keep it "
                   "below the load balancer's idle timeout")
@click.option("--replica-name", default="", metavar="NAME",
              help="This replica's name, sent as X-Vic-Replica and in /container/health (default: none sent)")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="An origin whose pages may call the API, as vic-ui 1.5 does from the vSphere Client "
                   "(repeatable; default: any, since credentials travel only in headers)")
def serve(bind, cert, key, state_dir, hostnames, workers, threads, max_streams_per_user, vcenters,
          clone_ticket_url, iso_dir, max_request_size, frame_ancestors, operation_heartbeat, graceful_timeout,
          stream_keepalive, replica_name, cors_origins) -> None:
    """Serve the plug-in over HTTPS."""
    if bool(cert) != bool(key):
        raise click.UsageError("--cert and --key go together")
    if threads < 2:
        raise click.BadParameter("must be at least 2", param_hint="--threads")
    config = {"VCENTER_THUMBPRINTS": _parse_vcenters(vcenters), "MAX_STREAMS": stream_budget(threads),
              "MAX_STREAMS_PER_USER": max_streams_per_user, "FRAME_ANCESTORS": list(frame_ancestors),
              "CORS_ORIGINS": list(cors_origins) or ["*"], "OPERATION_HEARTBEAT": operation_heartbeat,
              "STREAM_KEEPALIVE": stream_keepalive, "THREADS": threads, "REPLICA_NAME": replica_name}
    if stream_keepalive <= 0:
        raise click.BadParameter("must be more than 0", param_hint="--stream-keepalive")
    if operation_heartbeat <= 0:
        raise click.BadParameter("must be more than 0", param_hint="--operation-heartbeat")
    try:
        config["MAX_CONTENT_LENGTH"] = parse_size(max_request_size)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--max-request-size") from None
    if clone_ticket_url:
        config["CLONE_TICKET_URL"] = clone_ticket_url
    if iso_dir:
        config["ISO_DIR"] = iso_dir
    if not cert:
        names = list(hostnames) or machine_names(bind.rpartition(":")[0])
        kept = state_dir / "server-cert.pem"
        before = certificate_thumbprint(kept) if kept.exists() else None
        try:
            cert, key = (str(p) for p in ensure_certificate(state_dir, names, renew_for_names=bool(hostnames)))
        except InputError as exc:
            raise click.BadParameter(exc.errors[0].message, param_hint="--hostname") from None
        if before and before != certificate_thumbprint(Path(cert)):
            click.echo(f"Generated a new certificate for {', '.join(names)}: its thumbprint changed, "
                       "update the registration (vic-plugin register)", err=True)
    elif hostnames:
        raise click.UsageError("--hostname names a generated certificate's names: not with --cert")
    config["BUNDLE_KEY"] = derive_key(Path(key).read_bytes())
    click.echo(f"Serving https://{bind}/container/hello")
    click.echo(f"Certificate SHA-256 thumbprint: {certificate_thumbprint(Path(cert))}", err=False)
    click.echo(f"Certificate names: {', '.join(certificate_names(Path(cert))) or '(none)'}")
    PluginServer(create_app(config), bind, cert, key, workers=workers, threads=threads,
                 graceful_timeout=graceful_timeout).run()


def stream_budget(threads: int) -> int:
    """How many of a worker's threads long-lived event streams may hold: never the last quarter (at least 2)."""
    return max(1, threads - max(2, threads // 4))


def _parse_vcenters(values: tuple[str, ...]) -> dict[str, str]:
    pinned = {}
    for value in values:
        host, sep, thumbprint = value.partition("=")
        if not sep or not host or not thumbprint:
            raise click.BadParameter(f"{value!r}: use HOST[:PORT]=THUMBPRINT", param_hint="--vcenter")
        try:
            pinned[host] = normalize_thumbprint(thumbprint)
        except InputError as exc:
            raise click.BadParameter(str(exc.errors[0].message), param_hint="--vcenter") from None
    return pinned


cli.add_command(register)
cli.add_command(unregister)
cli.add_command(status)


def main() -> None:
    cli(prog_name="vic-plugin")
