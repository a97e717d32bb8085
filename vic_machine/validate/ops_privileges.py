"""The operations user's effective privileges: logged in as that user, asked of vCenter object by object.

A VCH acts on vSphere as its operations user; without the privileges VIC's roles hold (see
``operations/opsuser.py``) it fails later, at run time, in ways users find hard to trace. Here every missing
privilege is listed with the object it is missing on, and the remedy: ``--ops-grant-perms``.
"""

from __future__ import annotations

from dataclasses import replace

from pyVmomi import vim

from vic_machine.errors import VicError
from vic_machine.operations.opsuser import ROLES
from vic_machine.validate.context import Context, datastore_name
from vic_machine.validate.findings import Finding, error
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session, connect

PATH = "endpoint.operations_credentials.user"
_NET_TYPES = {"standard": vim.Network, "distributed": vim.dvs.DistributedVirtualPortgroup,
              "opaque": vim.OpaqueNetwork}


def required(ctx: Context, session: Session) -> list[tuple[vim.ManagedEntity, str, tuple[str, ...]]]:
    """(object, its name, privileges) the operations user needs, before the VCH's own pool exists: the pool's
    privileges are asked of the parent pool it will be created in (they propagate down to it)."""
    stub = session.stub
    inv = ctx.inventory
    out: list[tuple[vim.ManagedEntity, str, tuple[str, ...]]] = [
        (session.content.rootFolder, "the vCenter root folder", ROLES["vcenter"]),
        (vim.Datacenter(inv.datacenter_id, stub), f"datacenter {inv.datacenter}", ROLES["datacenter"])]
    node = ctx.compute
    if node is not None:
        out.append((vim.ResourcePool(node.pool, stub), f"resource pool {node.path}", ROLES["endpoint"]))
    names = {datastore_name(s) for s in ctx.spec.storage.image_stores}
    names |= {datastore_name(v.datastore) for v in ctx.spec.storage.volume_stores
              if not v.datastore.startswith("nfs://")}
    for name in sorted(names):
        ds = inv.datastore(name)
        if ds is not None:
            out.append((vim.Datastore(ds.id, stub), f"datastore {name}", ROLES["datastore"]))
    refs = [ctx.spec.network.bridge.port_group, *(ctx.spec.network.port_group_of(r)
                                                    for r in ("public", "client", "management")),
            *(c.port_group for c in ctx.spec.network.container)]
    seen = set()
    for ref in refs:
        for net in ctx.networks(ref)[:1]:
            if net.id not in seen:
                seen.add(net.id)
                out.append((_NET_TYPES[net.kind](net.id, stub), f"network {net.name}", ROLES["network"]))
    return out


def missing_privileges(ops: Session, wanted: list[tuple[vim.ManagedEntity, str, tuple[str, ...]]]) -> list[str]:
    """"<privilege> on <object>" for each privilege the session ``ops`` lacks; one call per object."""
    key = ops.content.sessionManager.currentSession.key
    manager = ops.content.authorizationManager
    out = []
    for entity, name, privileges in wanted:
        with vsphere_call("check the operations user's privileges", name):
            # The same object through the operations user's own connection.
            granted = manager.HasPrivilegeOnEntity(entity=type(entity)(entity._moId, ops.stub), sessionId=key,
                                                   privId=list(privileges))
        out += [f"{p} on {name}" for p, ok in zip(privileges, granted) if not ok]
    return out


def check_ops_privileges(ctx: Context, session: Session | None) -> list[Finding]:
    """An error listing the privileges the operations user lacks; nothing when no such user is given, when
    ``grant_permissions`` will grant them, or when the login fails (``check_ops_credentials`` reports that)."""
    creds = ctx.spec.endpoint.operations_credentials
    if session is None or not creds.user or creds.grant_permissions:
        return []
    target = replace(session.target, user=creds.user, password=creds.password or "",
                     thumbprint=session.thumbprint_sha256)
    try:
        ops = connect(target)
    except VicError:
        return []
    try:
        missing = missing_privileges(ops, required(ctx, session))
    except VicError as exc:
        return [error("operations.privileges_unknown", PATH, "operations",
                      f"Could not check the privileges of {creds.user}: {exc.message}")]
    finally:
        ops.logout()
    if not missing:
        return []
    return [error("operations.missing_privileges", PATH, "operations",
                  f"The operations user {creds.user} lacks {len(missing)} privilege(s): {', '.join(missing)}",
                  "Use --ops-grant-perms (grant_permissions) to grant them when the VCH is created, or have an "
                  "administrator grant the vic-vch-* roles")]
