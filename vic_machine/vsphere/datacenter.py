"""Resolve the datacenter a command works in."""

from __future__ import annotations

from pyVmomi import vim, vmodl

from vic_machine.errors import NotFound, TargetError
from vic_machine.vsphere.collector import retrieve_spec
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session


def datacenter_props(session: Session, paths: list[str]) -> dict[vim.Datacenter, dict]:
    """``paths`` of every datacenter, across folders: one request (folders traversed, no container view)."""
    pc = vmodl.query.PropertyCollector
    folders = pc.TraversalSpec(name="folders", type=vim.Folder, path="childEntity", skip=False,
                               selectSet=[pc.SelectionSpec(name="folders")])
    spec = pc.FilterSpec(objectSet=[pc.ObjectSpec(obj=session.content.rootFolder, skip=True, selectSet=[folders])],
                         propSet=[pc.PropertySpec(type=vim.Datacenter, pathSet=paths, all=False)])
    with vsphere_call("read the datacenters"):
        found = retrieve_spec(session.content, spec)
    return {o.obj: {p.name: p.val for p in o.propSet or []} for o in found if isinstance(o.obj, vim.Datacenter)}


def list_datacenters(session: Session) -> dict[str, vim.Datacenter]:
    """Every datacenter, across folders, by name (one request)."""
    return {props["name"]: dc for dc, props in datacenter_props(session, ["name"]).items() if "name" in props}


def find_datacenter(session: Session, name: str = "") -> vim.Datacenter:
    """The datacenter named (or given by managed object id), or the only one when none is given.

    :raise NotFound: no datacenter of that name (the message lists those that exist).
    :raise TargetError: several datacenters and none named.
    """
    return find_named_datacenter(session, name)[0]


def find_named_datacenter(session: Session, name: str = "") -> tuple[vim.Datacenter, str]:
    """As :func:`find_datacenter`, with the datacenter's name (read in the same request)."""
    datacenters = list_datacenters(session)
    names = ", ".join(sorted(datacenters)) or "none"
    if name:
        by_id = {dc._moId: (dc, dc_name) for dc_name, dc in datacenters.items()}
        if name in by_id and name not in datacenters:
            return by_id[name]
        if name not in datacenters:
            raise NotFound(f"Datacenter {name!r} not found",
                           remedy=f"Datacenters on {session.target.host}: {names}")
        return datacenters[name], name
    if len(datacenters) == 1:
        return next((dc, dc_name) for dc_name, dc in datacenters.items())
    if not datacenters:
        raise NotFound(f"{session.target.host} has no datacenter", remedy="Create one in the vSphere Client first")
    raise TargetError(f"{session.target.host} has several datacenters",
                      remedy=f"Name one in the target, e.g. https://{session.target.host}/<datacenter>; "
                             f"datacenters: {names}")
