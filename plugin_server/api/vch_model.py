"""A VCH as vic-machine-server 1.5.8's answers show it: the VCH model of ``GET …/vch/{id}``, list items, and a body
sent back in that form read as the change it is.

The model is the core's (:func:`vic_machine.operations.configure_spec.current_spec`), written with 1.5.8's
conventions: a managed object by its id only, the base image size in KB, memory in MiB and CPU in MHz, unlimited
limits and zero reservations left out, a container network's gateway as ``address`` plus its subnet as the one
routing destination, the server certificate without its key, and ``runtime``. What is ours sits in ``vic_plugin``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from pyVmomi import vim

from vic_machine.operations.configure_spec import current_spec
from vic_machine.operations.inspect import inspect_vch, tls_mode
from vic_machine.operations.ls import VchSummary
from vic_machine.spec import dump
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.session import Session

_MISSING = object()


@dataclass(frozen=True)
class ComputeRef:
    """The cluster, standalone host or resource pool a VCH was created in, as create takes it."""

    id: str
    name: str


def compute_of(session: Session, vch: VchSummary) -> ComputeRef | None:
    """Where the VCH is: the parent of its own resource pool (a child pool, or the root pool's cluster or host)."""
    content = session.content
    pool = vch.props.get("resourcePool")
    if pool is None:
        return None
    props = retrieve_objects(content, [pool], ["name", "parent", "owner"])[pool]
    if props.get("name") == vch.name and isinstance(props.get("parent"), vim.ResourcePool):
        pool = props["parent"]
        props = retrieve_objects(content, [pool], ["name", "parent", "owner"])[pool]
    if isinstance(props.get("parent"), vim.ResourcePool):
        return ComputeRef(pool._moId, props.get("name", ""))
    owner = props.get("owner")
    if owner is None:
        return None
    owned = retrieve_objects(content, [owner], ["name", "host"])[owner]
    hosts = owned.get("host") or []
    if not isinstance(owner, vim.ClusterComputeResource) and hosts:
        return ComputeRef(hosts[0]._moId, owned.get("name", ""))  # a standalone host: the host, as the wizard has it
    return ComputeRef(owner._moId, owned.get("name", ""))


def _one(mo: dict | None) -> dict | None:
    """A managed object as 1.5.8 answers it: its id alone, else its name."""
    if not mo:
        return None
    return {"id": mo["id"]} if mo.get("id") else {"name": mo["name"]}


def _container_gateway(gateway: dict | None) -> dict | None:
    address = (gateway or {}).get("address")
    if not address or "/" not in address:
        return gateway
    return {"address": address.split("/")[0], "routing_destinations": [address]}


def _prune(data: Any) -> Any:
    if isinstance(data, dict):
        out = {k: _prune(v) for k, v in data.items()}
        return {k: v for k, v in out.items() if v not in (None, {}, [], "")}
    if isinstance(data, list):
        return [_prune(v) for v in data]
    return data


def _network(data: dict, config) -> dict:
    net = copy.deepcopy(data.get("network") or {})
    for role in ("bridge", "public", "client", "management"):
        if isinstance(net.get(role), dict):
            net[role]["port_group"] = _one(net[role].get("port_group"))
    stored = [(alias, n) for alias, n in sorted(config.network.container_networks.items()) if alias != "bridge"]
    for item, (alias, n) in zip(net.get("container") or [], stored):
        ref = n.common.id.partition(":")[2]
        item["alias"] = alias
        item["port_group"] = {"id": ref} if ref else _one(item.get("port_group"))
        item["gateway"] = _container_gateway(item.get("gateway"))
    return net


def _auth(data: dict, config) -> dict:
    given = data.get("auth") or {}
    client = {k: v for k, v in (given.get("client") or {}).items()
              if k in ("no_tls_verify", "certificate_authorities") and v}
    auth: dict[str, Any] = {"no_tls": True if given.get("no_tls") else None, "client": client}
    host = config.certificate.host_certificate
    if host is not None and host.cert:
        auth["server"] = {"certificate": {"pem": host.cert.decode()}}
    return auth


def shown(session: Session, vch: VchSummary) -> tuple[dict, dict]:
    """(the VCH model as ``GET …/vch/{id}`` answers it, the model as the core holds it — ``dump`` of its spec)."""
    spec, config = current_spec(session, vch)
    internal = dump(spec)
    data = copy.deepcopy(internal)
    compute = compute_of(session, vch)
    given = data.setdefault("compute", {})
    given["resource"] = {"id": compute.id} if compute else _one(given.get("resource"))
    storage = data.setdefault("storage", {})
    storage["base_image_size"] = {"value": config.storage.scratch_size, "units": "KB"}
    data["network"] = _network(data, config)
    data["auth"] = _auth(data, config)
    data["runtime"] = {"power_state": vch.power_state, "upgrade_status": vch.upgrade_status,
                       "admin_portal": vch.admin_portal, "docker_host": vch.docker_host}
    data["vic_plugin"] = {
        "id": vch.id, "path": vch.path, "tls": tls_mode(vch), "creating": vch.config.is_creating,
        "compute_resource": {"id": compute.id, "name": compute.name} if compute else None,
        "inspect": inspect_vch(vch).to_dict()}
    return _prune(data), internal


def list_item(vch: VchSummary) -> dict:
    """A VCH as 1.5.8's list shows it: its resource pool as ``parent`` (id and name), ours under ``vic_plugin``."""
    pool = vch.props.get("resourcePool")
    item = {"id": vch.id, "name": vch.name, "version": vch.version, "power_state": vch.power_state,
            "upgrade_status": vch.upgrade_status, "admin_portal": vch.admin_portal, "docker_host": vch.docker_host,
            "parent": {"id": pool._moId, "name": vch.pool_name} if pool is not None else None,
            "vic_plugin": {"path": vch.path, "tls": tls_mode(vch),
                           "creating": vch.config.is_creating or vch.state == "creating"}}
    # Ours (issue 14): a VCH being deleted, or what is left of one whose endpoint VM is gone, says so.
    if vch.state:
        item["vic_plugin"]["state"] = vch.state
    if vch.remnant is not None:
        item["vic_plugin"]["left"] = vch.left
    return {k: v for k, v in item.items() if v not in (None, "")}


def ignored(paths: list[str]) -> list[str]:
    """The warnings naming the fields of a body that were ignored."""
    return [f"{p}: not a field of this model; ignored" for p in paths]


def without_ours(body: Any) -> Any:
    """A VCH model sent back without what our answers add (``vic_plugin``, read-only): no field to warn about."""
    return {k: v for k, v in body.items() if k != "vic_plugin"} if isinstance(body, dict) else body


def reconcile(body: Any, answer: Any, internal: Any) -> Any:
    """``body`` with each part that equals what GET answered (``answer``) replaced by the model's own form of it
    (``internal``), so a VCH model read with GET and sent back unchanged is no change; parts that GET shows but the
    model does not hold (``runtime``, ``vic_plugin``, a default alias) are dropped when sent back as shown."""
    if body == answer:
        return internal if internal is _MISSING else copy.deepcopy(internal)
    if isinstance(body, dict) and isinstance(answer, dict):
        inner = internal if isinstance(internal, dict) else {}
        out = {}
        for key, value in body.items():
            merged = reconcile(value, answer.get(key, _MISSING), inner.get(key, _MISSING))
            if merged is not _MISSING:
                out[key] = merged
        return out
    if isinstance(body, list) and isinstance(answer, list) and len(body) == len(answer):
        inner = internal if isinstance(internal, list) and len(internal) == len(answer) else [_MISSING] * len(body)
        return [item if merged is _MISSING else merged
                for item, merged in ((b, reconcile(b, a, i)) for b, a, i in zip(body, answer, inner))]
    return body
