"""``vic-machine configure``: change an existing VCH; only the flags given are changed.

Flags are create's (their help from the VCH model), those vic-machine 1.5.8's configure takes; a list flag replaces
the stored list, except ``--volume-store`` and ``--tls-ca``, which add to it (volume stores cannot be removed).
``--tls-cname`` or ``--no-tlsverify`` make new certificates (with ``--organization`` and ``--certificate-key-size``)
and write the client's to ``--tls-cert-path``, as 1.5.8 does; ``--rollback`` returns the VCH to its state before
the last upgrade, as 1.5.8's configure and upgrade both do.
"""

from __future__ import annotations

from pathlib import Path

import click
from cryptography import x509
from cryptography.x509.oid import NameOID

from vic_machine.cli import debug_log
from vic_machine.certs import generate
from vic_machine.cli.create_options import _SIMPLE, _container_networks, _dest, _read_pem, _shares, _volume_stores
from vic_machine.cli.options import extended_help_option, open_session, output_option, target_options
from vic_machine.cli.output import console, emit_result
from vic_machine.cli.progress import ProgressBar
from vic_machine.cli.select_options import parse_timeout, select_options
from vic_machine.errors import FieldError, InputError
from vic_machine.operations.configure import configure as configure_vch
from vic_machine.operations.configure_spec import current_spec
from vic_machine.operations.find import find_vch
from vic_machine.operations.upgrade import upgrade as upgrade_vch
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
    "--affinity-vm-group", "--container-name-convention", "--containers", "--storage-quota", "--no-proxy",
    "--no-tlsverify", "--tls-cname", "--organization", "--certificate-key-size",
)
_OPTIONS = [(flags, path, kwargs) for flags, path, kwargs in _SIMPLE if flags[0] in SUPPORTED]
# Regenerating the certificates (1.5.8: only --tls-cname or --no-tlsverify ask for it).
_REGENERATE = ("tls_cname", "no_tlsverify")


def configure_options(func):
    for flags, path, kwargs in reversed(_OPTIONS):
        dest = _dest(flags)
        if flags[0] == "--affinity-vm-group":  # on, off (1.5.8: --affinity-vm-group=false) or unchanged
            flags = ("--affinity-vm-group/--no-affinity-vm-group",)
            kwargs = {k: v for k, v in kwargs.items() if k != "is_flag"}
        func = click.option(*flags, dest, help=field(path).meta.help, default=None, **kwargs)(func)
    return func


def _quantity(value: int, units: str) -> dict:
    return {"value": value, "units": units}


def _pem(text: str) -> dict:
    """A certificate or key as the JSON model holds it."""
    return {"pem": text}


def _pems(texts: list[str]) -> list[dict]:
    return [_pem(t) for t in texts]


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
    if v["container_name_convention"]:
        put("container.name_convention", v["container_name_convention"])
    # 1.5.8: 0 (or less) is unlimited.
    if v["containers"] is not None:
        put("container.container_count", v["containers"] if v["containers"] > 0 else None)
    if v["storage_quota"] is not None:
        put("storage.storage_quota", _quantity(v["storage_quota"], "GiB") if v["storage_quota"] > 0 else None)
    if v["affinity_vm_group"] is not None:
        put("compute.affinity.use_vm_group", v["affinity_vm_group"])
    if v["no_proxy"]:  # --no-proxy "" clears the list
        put("registry.image_fetch_proxy.no_proxy", [h for entry in v["no_proxy"] for h in entry.split(",") if h])
    lists = {"dns_server": "network.public.nameservers", "insecure_registry": "registry.insecure",
             "whitelist_registry": "registry.whitelist"}
    for key, path in lists.items():
        if v[key]:
            put(path, list(v[key]))
    if v["registry_ca"]:
        put("registry.certificate_authorities", [_read_pem(p, "registry.certificate_authorities")
                                                 for p in v["registry_ca"]])
    if v["tls_ca"] and not any(v.get(k) for k in _REGENERATE):
        added = [_read_pem(p, "auth.client.certificate_authorities") for p in v["tls_ca"]]
        put("auth.client.certificate_authorities", _pems(current.auth.client.certificate_authorities + added))
    if v["tls_server_cert"] or v["tls_server_key"]:
        put("auth.server.certificate", _pem(_read_pem(v["tls_server_cert"], "auth.server.certificate"))
            if v["tls_server_cert"] else None)
        put("auth.server.private_key", _pem(_read_pem(v["tls_server_key"], "auth.server.private_key"))
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


def new_certificates(v: dict, current: VchSpec, cert_path: str | None):
    """The certificates ``--tls-cname``/``--no-tlsverify`` ask for, as 1.5.8's configure makes them: the change
    that installs them, the bundle and the folder for the client's files (which must not exist yet).

    :return: ``({}, None, None)`` when no new certificates are asked for.
    :raise InputError: the VCH has no TLS, certificates are also uploaded, or the folder exists.
    """
    if not any(v.get(k) for k in _REGENERATE):
        if v.get("organization") or v.get("certificate_key_size"):
            console.print("[yellow]Warning:[/] --organization and --certificate-key-size apply to new certificates, "
                          "made only with --tls-cname or --no-tlsverify; certificates left unchanged", highlight=False)
        return {}, None, None
    if current.tls_mode() == "no-tls":
        raise InputError(FieldError("auth.no_tls", "the VCH has TLS turned off: there are no certificates to "
                                                   "make again"))
    if v.get("tls_server_cert") or v.get("tls_server_key"):
        raise InputError(FieldError("auth.server.certificate", "give either --tls-server-cert/--tls-server-key "
                                                               "or --tls-cname/--no-tlsverify, not both"))
    folder = Path(cert_path or f"./{current.name}").expanduser()
    if folder.exists():
        raise InputError(FieldError("auth.cert_path", f"{folder} already exists; name a folder that does not exist "
                                                      "yet with --tls-cert-path for the new certificates"))
    mode = "no-tlsverify" if v.get("no_tlsverify") else current.tls_mode()
    cname = v.get("tls_cname") or _common_name(current.auth.server.certificate) or current.effective_cname()
    bundle = generate(mode, cname, list(v.get("organization") or ()) or None, v.get("certificate_key_size") or 2048,
                      vch_name=current.name)
    change: dict = {"auth": {"server": {"certificate": _pem(bundle.server_cert.decode()),
                                        "private_key": _pem(bundle.server_key.decode())}}}
    if mode == "tlsverify":
        added = [_read_pem(p, "auth.client.certificate_authorities") for p in v.get("tls_ca") or ()]
        change["auth"]["client"] = {"certificate_authorities": _pems([bundle.ca_cert.decode(), *added])}
    elif current.tls_mode() == "tlsverify":
        change["auth"]["client"] = {"no_tls_verify": True, "certificate_authorities": []}
    return change, bundle, folder


def _common_name(pem: str | None) -> str | None:
    """The CN of the VCH's server certificate now: what new certificates keep unless --tls-cname says otherwise."""
    if not pem:
        return None
    try:
        names = x509.load_pem_x509_certificate(pem.encode()).subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError:
        return None
    return str(names[0].value) if names else None


def _merge(change: dict, more: dict) -> dict:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(change.get(key), dict):
            _merge(change[key], value)
        else:
            change[key] = value
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
@click.option("--tls-cert-path", default=None,
              help="Where to write the new certificates of --tls-cname/--no-tlsverify (default ./<name>/)")
@click.option("--timeout", default="3m", show_default=True, help="How long to wait for the VCH to come back")
@click.option("--reset-progress", is_flag=True,
              help="Clear the mark a configure or upgrade that died left on the VCH (UpdateInProgress)")
@click.option("--rollback", is_flag=True, hidden=True,
              help="Return the VCH to its configuration and version before the last upgrade")
@extended_help_option
def configure(target, force, name, vch_id, compute_resource, output, tls_cert_path, timeout, reset_progress,
              rollback, **values) -> None:
    """Change the configuration of a VCH; a change needing a restart is done under a snapshot (-x: every flag)."""
    debug_log.show(values.get("debug"))
    seconds = parse_timeout(timeout)
    session = open_session(target, force)
    written = None
    try:
        vch = find_vch(session, vch_id=vch_id, name=name, compute_resource=compute_resource)
        if rollback:
            with ProgressBar(quiet=output == "json") as bar:
                result = upgrade_vch(session, vch, isos=None, timeout=seconds, sink=bar, rollback=True)
        else:
            spec, _ = current_spec(session, vch)
            change = change_from_flags(values, spec)
            certs, bundle, folder = new_certificates(values, spec, tls_cert_path)
            _merge(change, certs)
            if not change and not reset_progress:
                raise click.UsageError("Nothing to change: give at least one configure flag")
            with ProgressBar(quiet=output == "json") as bar:
                result = configure_vch(session, vch, change, sink=bar, reset_progress=reset_progress,
                                       timeout=seconds)
            if bundle is not None and result.applied:
                client = vch.config.client_ip
                bundle.write(folder, vch.name, docker_host=str(client) if client else None)
                written = folder
    finally:
        session.logout()
    if emit_result(result, output):
        return
    if rollback:
        console.print(f"[green]Completed successfully[/]: VCH {result.name} rolled back from {result.from_version} "
                      f"to {result.to_version}", highlight=False, soft_wrap=True)
        return
    if not result.changed:
        console.print(f"Nothing changed on VCH {result.name}", highlight=False)
        return
    how = "restarted" if result.needs_restart else "applied live, no restart"
    console.print(f"[green]Completed successfully[/]: VCH {result.name} configured ({how}): "
                  f"{', '.join(result.changed)}", highlight=False, soft_wrap=True)
    if written is not None:
        console.print(f"New certificates written to {written.resolve()}", highlight=False, soft_wrap=True)
