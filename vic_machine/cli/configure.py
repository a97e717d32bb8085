"""``vic-machine configure``: change an existing VCH; only the flags given are changed.

Flags are create's (their help from the VCH model); a list flag replaces the stored list, except
``--volume-store`` and ``--tls-ca``, which add to it (volume stores cannot be removed).
"""

from __future__ import annotations

import click

from vic_machine.cli.create_options import _SIMPLE, _container_networks, _dest, _read_pem, _shares, _volume_stores
from vic_machine.cli.options import open_session, output_option, target_options
from vic_machine.cli.output import console, emit_result
from vic_machine.cli.progress import ProgressBar
from vic_machine.cli.select_options import parse_timeout, select_options
from vic_machine.operations.configure import configure as configure_vch
from vic_machine.operations.configure_spec import current_spec
from vic_machine.operations.find import find_vch
from vic_machine.spec import field
from vic_machine.spec.model import VchSpec
from vic_machine.spec.schema import dump

# The create flags configure takes (model path → flag names from create_options).
SUPPORTED = (
    "--cpu", "--cpu-reservation", "--cpu-shares", "--memory", "--memory-reservation", "--memory-shares",
    "--dns-server", "--insecure-registry", "--whitelist-registry", "--registry-ca", "--http-proxy", "--https-proxy",
    "--syslog-address", "--debug", "--container-network", "--container-network-gateway",
    "--container-network-ip-range", "--container-network-dns", "--container-network-firewall", "--volume-store",
    "--ops-user", "--ops-password", "--ops-grant-perms", "--tls-server-cert", "--tls-server-key", "--tls-ca",
)
_OPTIONS = [(flags, path, kwargs) for flags, path, kwargs in _SIMPLE if flags[0] in SUPPORTED]


def configure_options(func):
    for flags, path, kwargs in reversed(_OPTIONS):
        func = click.option(*flags, _dest(flags), help=field(path).meta.help, default=None, **kwargs)(func)
    return func


def _quantity(value: int, units: str) -> dict:
    return {"value": value, "units": units}


def change_from_flags(v: dict, current) -> dict:
    """The partial VCH model (PATCH) the given flags describe; flags not given are left out."""
    change: dict = {}

    def put(path: str, value) -> None:
        node = change
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value

    for res, unit in (("cpu", "MHz"), ("memory", "MiB")):
        if v[res] is not None:
            put(f"compute.{res}.limit", _quantity(v[res], unit) if v[res] else None)
        if v[f"{res}_reservation"] is not None:
            put(f"compute.{res}.reservation", _quantity(v[f"{res}_reservation"], unit))
        if v[f"{res}_shares"] is not None:
            shares = _shares(v[f"{res}_shares"])
            put(f"compute.{res}.shares", {"number": shares} if isinstance(shares, int) else {"level": shares})
    simple = {"debug": "debug", "syslog_address": "syslog_addr", "http_proxy": "registry.image_fetch_proxy.http",
              "https_proxy": "registry.image_fetch_proxy.https", "ops_user": "endpoint.operations_credentials.user",
              "ops_password": "endpoint.operations_credentials.password"}
    for key, path in simple.items():
        if v[key] is not None:
            put(path, v[key])
    if v["ops_grant_perms"]:
        put("endpoint.operations_credentials.grant_permissions", True)
    lists = {"dns_server": "network.public.nameservers", "insecure_registry": "registry.insecure",
             "whitelist_registry": "registry.whitelist"}
    for key, path in lists.items():
        if v[key]:
            put(path, list(v[key]))
    if v["registry_ca"]:
        put("registry.certificate_authorities", [_read_pem(p, "registry.certificate_authorities")
                                                 for p in v["registry_ca"]])
    if v["tls_ca"]:
        added = [_read_pem(p, "auth.client.certificate_authorities") for p in v["tls_ca"]]
        put("auth.client.certificate_authorities", current.auth.client.certificate_authorities + added)
    if v["tls_server_cert"] or v["tls_server_key"]:
        put("auth.server.certificate", _read_pem(v["tls_server_cert"], "auth.server.certificate")
            if v["tls_server_cert"] else None)
        put("auth.server.private_key", _read_pem(v["tls_server_key"], "auth.server.private_key")
            if v["tls_server_key"] else None)
    if v["volume_store"]:
        stores = dump(current, include_secrets=False).get("storage", {}).get("volume_stores", [])
        put("storage.volume_stores", stores + [{"datastore": s.datastore, "label": s.label}
                                               for s in _volume_stores(v["volume_store"])])
    if v["container_network"]:
        nets = dump(current).get("network", {}).get("container", [])
        added = dump_networks(_container_networks(v))
        put("network.container", [n for n in nets if n["port_group"] not in [a["port_group"] for a in added]]
            + added)
    return change


def dump_networks(nets) -> list[dict]:
    """Container networks as the JSON model writes them."""
    spec = VchSpec()
    spec.network.container = nets
    return dump(spec)["network"].get("container", [])


@click.command()
@target_options
@select_options
@output_option
@configure_options
@click.option("--timeout", default="3m", show_default=True, help="How long to wait for the VCH to come back")
@click.option("--reset-progress", is_flag=True,
              help="Clear the mark a configure or upgrade that died left on the VCH (UpdateInProgress)")
def configure(target, force, name, vch_id, compute_resource, output, timeout, reset_progress, **values) -> None:
    """Change the configuration of a VCH; a change needing a restart is done under a snapshot."""
    seconds = parse_timeout(timeout)
    session = open_session(target, force)
    try:
        vch = find_vch(session, vch_id=vch_id, name=name, compute_resource=compute_resource)
        spec, _ = current_spec(session, vch)
        change = change_from_flags(values, spec)
        if not change and not reset_progress:
            raise click.UsageError("Nothing to change: give at least one configure flag")
        with ProgressBar(quiet=output == "json") as bar:
            result = configure_vch(session, vch, change, sink=bar, reset_progress=reset_progress, timeout=seconds)
    finally:
        session.logout()
    if emit_result(result, output):
        return
    if not result.changed:
        console.print(f"Nothing changed on VCH {result.name}", highlight=False)
        return
    how = "restarted" if result.needs_restart else "applied live, no restart"
    console.print(f"[green]Completed successfully[/]: VCH {result.name} configured ({how}): "
                  f"{', '.join(result.changed)}", highlight=False)
