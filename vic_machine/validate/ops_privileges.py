"""The operations user's effective privileges: logged in as that user, asked of vCenter object by object.

A VCH acts on vSphere as its operations user; without the privileges VIC's roles hold (see
``operations/opsuser.py``) it fails later, at run time, in ways users find hard to trace. Here every missing
privilege is listed with the object it is missing on, what will fail for want of it, and the remedy:
``--ops-grant-perms``. It is a warning, not an error: vCenter creates the VCH all the same (the create runs as
the administrator), an administrator may grant the privileges afterwards, and VIC Engine 1.5.8 checks only
that the user can log in (that stays an error, in ``probes.check_ops_credentials``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from pyVmomi import vim

from vic_machine.errors import VicError
from vic_machine.operations.opsuser import ROLES
from vic_machine.validate.context import Context, datastore_name
from vic_machine.validate.findings import Finding, warning
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session, connect

PATH = "endpoint.operations_credentials.user"
_NET_TYPES = {"standard": vim.Network, "distributed": vim.dvs.DistributedVirtualPortgroup,
              "opaque": vim.OpaqueNetwork}
# What the VCH cannot do when a role's privileges are missing (by the kind of object the role is asked of).
_CONSEQUENCES = {
    "vcenter": "managing datastore files",
    "datacenter": "creating and removing image and volume folders",
    "endpoint": "creating, starting, stopping and removing container VMs (docker run, stop, rm)",
    "datastore": "storing images, container disks and volumes",
    "network": "connecting containers (and the VCH) to its networks",
}


class Wanted(NamedTuple):
    """Privileges the operations user needs on one object: those of one of VIC's roles."""

    entity: vim.ManagedEntity
    name: str  # how messages name the object
    role: str  # the key of the role in ``opsuser.ROLES``

    @property
    def privileges(self) -> tuple[str, ...]:
        return ROLES[self.role]


def required(ctx: Context, session: Session) -> list[Wanted]:
    """What the operations user needs where, before the VCH's own pool exists: the pool's privileges are asked
    of the parent pool it will be created in (they propagate down to it)."""
    stub = session.stub
    inv = ctx.inventory
    out = [Wanted(session.content.rootFolder, "the vCenter root folder", "vcenter"),
           Wanted(vim.Datacenter(inv.datacenter_id, stub), f"datacenter {inv.datacenter}", "datacenter")]
    node = ctx.compute
    if node is not None:
        out.append(Wanted(vim.ResourcePool(node.pool, stub), f"resource pool {node.path}", "endpoint"))
    names = {datastore_name(s) for s in ctx.spec.storage.image_stores}
    names |= {datastore_name(v.datastore) for v in ctx.spec.storage.volume_stores
              if not v.datastore.startswith("nfs://")}
    for name in sorted(names):
        ds = inv.datastore(name)
        if ds is not None:
            out.append(Wanted(vim.Datastore(ds.id, stub), f"datastore {name}", "datastore"))
    refs = [ctx.spec.network.bridge.port_group, *(ctx.spec.network.port_group_of(r)
                                                    for r in ("public", "client", "management")),
            *(c.port_group for c in ctx.spec.network.container)]
    seen = set()
    for ref in refs:
        for net in ctx.networks(ref)[:1]:
            if net.id not in seen:
                seen.add(net.id)
                out.append(Wanted(_NET_TYPES[net.kind](net.id, stub), f"network {net.name}", "network"))
    return out


def missing_privileges(ops: Session, wanted: list[Wanted]) -> list[tuple[Wanted, list[str]]]:
    """The privileges the session ``ops`` lacks, by object (those lacking none left out); one call per object."""
    key = ops.content.sessionManager.currentSession.key
    manager = ops.content.authorizationManager
    out: list[tuple[Wanted, list[str]]] = []
    for item in wanted:
        entity, name, privileges = item.entity, item.name, item.privileges
        with vsphere_call("check the operations user's privileges", name):
            # The same object through the operations user's own connection.
            granted = manager.HasPrivilegeOnEntity(entity=type(entity)(entity._moId, ops.stub), sessionId=key,
                                                   privId=list(privileges))
        lacking = [p for p, ok in zip(privileges, granted) if not ok]
        if lacking:
            out.append((item, lacking))
    return out


def check_ops_privileges(ctx: Context, session: Session | None) -> list[Finding]:
    """A warning listing the privileges the operations user lacks and what will fail for want of them; nothing
    when no such user is given, when ``grant_permissions`` will grant them, or when the login fails
    (``check_ops_credentials`` reports that)."""
    creds = ctx.spec.endpoint.operations_credentials
    if session is None or not creds.user or creds.grant_permissions:
        return []
    wanted = required(ctx, session)
    target = replace(session.target, user=creds.user, password=creds.password or "",
                     thumbprint=session.thumbprint_sha256)
    try:
        ops = connect(target)
    except VicError:
        return []
    try:
        missing = missing_privileges(ops, wanted)
    except VicError as exc:
        return [warning("operations.privileges_unknown", PATH, "operations",
                        f"Could not check the privileges of {creds.user}: {exc.message}; the VCH acts on vSphere "
                        "as that user, and what it lacks will fail only once the VCH runs",
                        "Use --ops-grant-perms (grant_permissions) to grant what the VCH needs")]
    finally:
        ops.logout()
    if not missing:
        return []
    listed = [f"{p} on {item.name}" for item, lacking in missing for p in lacking]
    fails = list(dict.fromkeys(_CONSEQUENCES[item.role] for item, _ in missing))
    return [warning("operations.missing_privileges", PATH, "operations",
                    f"The VCH will act on vSphere as {creds.user}, who lacks {len(listed)} privilege(s): "
                    f"{', '.join(listed)}. The VCH is created all the same, but until they are granted it will "
                    f"fail at {'; '.join(fails)}",
                    "Use --ops-grant-perms (grant_permissions) to grant them when the VCH is created, or have an "
                    "administrator grant the vic-vch-* roles")]
