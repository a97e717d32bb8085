"""What a configure change is: the merge of a change into a VCH's current spec, which fields it touches, whether
it needs a restart, and the configuration it leads to. Pure: no I/O.

Live (no restart): the resource pool's limits, reservations and shares. Restart: DNS, registries, proxies, syslog,
debug level, container networks, volume stores (added only), the operations user and certificates. Anything
else (name, placement, bridge, TLS mode, endpoint VM size…) is fixed once the VCH exists.
"""

from __future__ import annotations

import copy
import dataclasses
import shlex
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from vic_machine.errors import FieldError, InputError
from vic_machine.extraconfig import VchConfig
from vic_machine.extraconfig.scalars import IP
from vic_machine.extraconfig.vch_config import RawCertificate
from vic_machine.operations import vch_config_builder as builder
from vic_machine.spec import dump, load, to_create_flags
from vic_machine.spec.model import GIB, VchSpec

LIVE = ("compute.cpu.", "compute.memory.")
RESTART = (
    "debug", "syslog_addr", "network.public.nameservers", "network.client.nameservers",
    "network.management.nameservers", "registry.", "network.container", "storage.volume_stores",
    "endpoint.operations_credentials.", "auth.server.certificate", "auth.server.private_key",
    "auth.client.certificate_authorities", "storage.storage_quota", "container.container_count",
    "network.asymmetric_routes", "container.name_convention", "compute.affinity.use_vm_group",
    "auth.client.no_tls_verify",
)
# Stored create flags that describe how the VCH was made, not its settings: a configure keeps them as they are.
_FIXED_OPTIONS = ("--target=", "--thumbprint=", "--appliance-iso=", "--bootstrap-iso=")
# Read-only or derived parts of the model, never a change.
_IGNORED = ("version", "runtime", "auth.server.generate")

@dataclass
class Change:
    """A merged change: the spec before and after, the fields that differ, and whether a restart is needed."""

    before: VchSpec
    after: VchSpec
    paths: list[str] = field(default_factory=list)

    def touches(self, *fields: str) -> bool:
        """Whether a field, or a part of it (``auth.server.certificate.pem``, ``…authorities[0]``), changed."""
        return any(p == f or p.startswith((f"{f}.", f"{f}[")) for p in self.paths for f in fields)

    @property
    def live_paths(self) -> list[str]:
        return [p for p in self.paths if p.startswith(LIVE)]

    @property
    def restart_paths(self) -> list[str]:
        return [p for p in self.paths if not p.startswith(LIVE)]

    @property
    def needs_restart(self) -> bool:
        return bool(self.restart_paths)

def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves by dotted path; lists are compared whole."""
    if isinstance(data, dict) and not (set(data) <= {"value", "units"} and "value" in data):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): data}

def _deep_merge(base: dict, change: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not ("value" in value and "units" in value):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out

def merge(current: VchSpec, change: dict | VchSpec, *, partial: bool = True) -> Change:
    """``current`` with ``change`` applied: a partial JSON model (PATCH), or a whole spec/model (PUT) in which
    omitted secrets keep their stored values.

    :raise InputError: the change is not of the model's shape, touches a field configure cannot change, or
        removes a volume store.
    """
    base = dump(current, include_secrets=True)
    if isinstance(change, VchSpec):
        data, partial = dump(change, include_secrets=True), False
    else:
        data = change
    if partial:
        merged = _deep_merge(base, data)
    else:
        merged = _deep_merge({k: v for k, v in base.items() if k in ("version", "runtime")}, data)
        for path in ("endpoint.operations_credentials.password", "auth.server.private_key"):
            _keep_secret(merged, base, path.split("."))
    _ops_grant_asked(merged, base, data)
    after = load(merged)
    before_flat, after_flat = _flatten(dump(current, include_secrets=True)), _flatten(dump(after, True))
    paths = sorted(p for p in set(before_flat) | set(after_flat)
                   if before_flat.get(p) != after_flat.get(p) and not p.startswith(_IGNORED))
    fixed = [p for p in paths if not p.startswith((*LIVE, *RESTART))]
    errors = [FieldError(p, "cannot be changed on an existing VCH") for p in fixed]
    errors += _volume_store_removals(current, after) + _container_network_removals(current, after)
    if errors:
        raise InputError(errors)
    return Change(current, after, paths)

def _ops_grant_asked(merged: dict, base: dict, change: dict) -> None:
    """A new operations user is granted permissions only when the change asks for it: the stored
    ``grant_permissions`` said the old user was granted them, which is no reason to grant the new one."""
    def creds(model: dict) -> dict:
        node = (model.get("endpoint") or {}).get("operations_credentials")
        return node if isinstance(node, dict) else {}

    new, asked = creds(merged), creds(change)
    if new and new.get("user") != creds(base).get("user") and "grant_permissions" not in asked:
        new["grant_permissions"] = False

def _keep_secret(merged: dict, base: dict, parts: list[str]) -> None:
    src, dst = base, merged
    for part in parts[:-1]:
        src, dst = (src or {}).get(part), (dst or {}).get(part)
        if not isinstance(dst, dict):
            return
    if parts[-1] not in dst and isinstance(src, dict) and parts[-1] in src:
        dst[parts[-1]] = src[parts[-1]]

def _volume_store_removals(before: VchSpec, after: VchSpec) -> list[FieldError]:
    new = {v.label: v.datastore for v in after.storage.volume_stores}
    return [FieldError("storage.volume_stores", f"volume store {v.label!r} cannot be removed or moved "
                                                "(it holds volumes); only new volume stores can be added")
            for v in before.storage.volume_stores if new.get(v.label) != v.datastore]

def _container_network_removals(before: VchSpec, after: VchSpec) -> list[FieldError]:
    new = {(c.port_group.display() if c.port_group else "") for c in after.network.container}
    return [FieldError("network.container", f"container network {c.port_group.display()!r} cannot be removed "
                                            "(containers may be attached to it)")
            for c in before.network.container if c.port_group and c.port_group.display() not in new]

def create_options_after(stored: list[str], spec: VchSpec) -> list[str]:
    """The create flags to store after a configure (``--name=value`` each, as create stores them).

    The settings are rendered from the merged ``spec`` (defaults and the operations password left out, as
    ``to_create_flags`` does); the target, thumbprint and ISO paths of ``stored`` are kept, in their places.
    """
    settings = []
    for entry in to_create_flags(spec):
        parts = shlex.split(entry)
        settings.append(f"{parts[0]}={parts[1]}" if len(parts) > 1 else f"{parts[0]}=true")
    head = [o for o in stored if o.startswith(_FIXED_OPTIONS[:2])]
    tail = [o for o in stored if o.startswith(_FIXED_OPTIONS[2:])]
    return head + settings + tail

def apply(config: VchConfig, change: Change, container_refs: dict[str, builder.NetworkRef]) -> VchConfig:
    """The configuration after a restart change; ``container_refs`` maps container port group names to refs."""
    spec = change.after
    new = copy.deepcopy(config)
    ex = new.executor
    # The VCH's debug level, as 1.5.8's configure sets it; each component's own level stays as create left it.
    ex.diagnostics.debug_level = spec.debug
    for name, session in ex.sessions.items():
        session.cmd.env = [e for e in session.cmd.env if not any(v in e for v in builder.PROXY_VARIABLES)]
        session.cmd.env += builder.proxy_env(spec, name)
    ex.diagnostics.syslog = builder.syslog_config(spec)
    dns = [IP.parse(s) for s in builder.nameservers(spec)]
    for role in builder.ROLES:
        endpoint = ex.networks.get(role)
        if endpoint is not None:
            endpoint.network.nameservers = list(dns)
    new.registry.whitelist, new.registry.insecure = builder.registry_lists(spec)
    new.executor.asymmetric_routing = spec.network.asymmetric_routes
    new.storage.storage_quota = (spec.storage.storage_quota or 0) * GIB
    new.container.container_count = spec.container.container_count or 0
    new.container.container_name_convention = spec.container.name_convention or ""
    new.container.use_vm_group = spec.compute.affinity.use_vm_group
    new.container.vm_group_name = new.name if spec.compute.affinity.use_vm_group else ""
    cert = new.certificate
    cert.registry_certificate_authorities = "".join(spec.registry.certificate_authorities).encode()
    if change.touches("auth.client.certificate_authorities"):
        cert.certificate_authorities = "".join(spec.auth.client.certificate_authorities).encode()
    server = spec.auth.server
    if server.certificate and server.private_key and change.touches("auth.server.certificate",
                                                                         "auth.server.private_key"):
        cert.host_certificate = RawCertificate(key=server.private_key.encode(), cert=server.certificate.encode())
    creds = spec.endpoint.operations_credentials
    if creds.user and any(p.startswith("endpoint.operations_credentials.") for p in change.paths):
        new.connection.username, new.connection.token = creds.user, creds.password or ""
    new.storage.volume_locations = {v.label: builder._volume_url(v.datastore) for v in spec.storage.volume_stores}
    if "network.container" in change.paths:
        bridge = SimpleNamespace(ref=config.port_group("bridge"))
        placement = SimpleNamespace(networks={builder.BRIDGE: bridge}, container_networks=container_refs)
        new.network.container_networks = builder._container_networks(spec, placement)  # type: ignore[arg-type]
    new.create_options = create_options_after(config.create_options, spec)
    # The guest writes these again when it boots: cleared, so waiting for readiness waits for the new boot.
    for session in ex.sessions.values():
        session.started = ""
    for endpoint in ex.networks.values():
        endpoint.assigned = dataclasses.replace(endpoint.assigned, ip=IP.parse("0.0.0.0"))
    return new
