"""The operations user's vSphere roles and permissions (``--ops-grant-perms``).

The roles hold exactly the privileges VIC 1.5 gives a VCH's operations user (its ``opsuser`` package): one role
per kind of object, named ``vic-vch-<kind>`` and shared by every VCH. Permissions for the user are set on the
VCH's own objects and on what it uses (datacenter, cluster, datastores, networks); what was set is recorded in
a hidden extraConfig key of the endpoint VM, so ``delete`` removes exactly that and nothing the user had before.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

from pyVmomi import vim

from vic_machine.errors import VicError
from vic_machine.operations.leftovers import ROLE_PREFIX
from vic_machine.vsphere.collector import retrieve, retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session

# Hidden (no ``guestinfo.`` prefix): the guest never sees it; VIC's own keys do not use it.
GRANTS_KEY = "vic-plugin/ops_user/granted_permissions"

_DATASTORE = ("Datastore.AllocateSpace", "Datastore.Browse", "Datastore.Config", "Datastore.DeleteFile",
              "Datastore.FileManagement", "Host.Config.SystemManagement")
_ENDPOINT = (
    "DVPortgroup.Modify", "DVPortgroup.PolicyOp", "DVPortgroup.ScopeOp", "Resource.AssignVMToPool",
    "Resource.ColdMigrate", "VirtualMachine.Config.AddExistingDisk", "VirtualMachine.Config.AddNewDisk",
    "VirtualMachine.Config.AddRemoveDevice", "VirtualMachine.Config.AdvancedConfig",
    "VirtualMachine.Config.EditDevice", "VirtualMachine.Config.RemoveDisk", "VirtualMachine.Config.Rename",
    "VirtualMachine.GuestOperations.Execute", "VirtualMachine.Interact.DeviceConnection",
    "VirtualMachine.Interact.PowerOff", "VirtualMachine.Interact.PowerOn", "VirtualMachine.Inventory.Create",
    "VirtualMachine.Inventory.Delete", "VirtualMachine.Inventory.Register", "VirtualMachine.Inventory.Unregister",
)
# Role (without prefix) → privileges, as VIC 1.5 defines them.
ROLES: dict[str, tuple[str, ...]] = {
    "vcenter": ("Datastore.Config",),
    "datacenter": ("Datastore.Config", "Datastore.FileManagement"),
    "cluster": (*_DATASTORE, "Host.Inventory.EditCluster"),  # with a DRS VM group to manage
    "datastore": _DATASTORE,
    "network": ("Network.Assign",),
    "endpoint": _ENDPOINT,
    "endpoint-datastore": (*_DATASTORE, *_ENDPOINT),  # the cluster without DRS: no pool of the VCH's own
}


@dataclass(frozen=True)
class Target:
    """One permission to set: ``role`` (without prefix) on ``entity``, called ``name`` in messages."""

    entity: vim.ManagedEntity
    name: str
    role: str
    propagate: bool


@dataclass(frozen=True)
class Grant:
    """A permission that was set, as recorded on the VCH: ``entity`` is ``Type:moid``."""

    entity: str
    name: str
    role: str
    propagate: bool


def role_name(role: str) -> str:
    return ROLE_PREFIX + role


def targets_for(*, root: vim.Folder, datacenter: vim.Datacenter, cluster: vim.ManagedEntity | None,
                pool: vim.ResourcePool | None, folder: vim.Folder | None, datastores: dict[str, vim.Datastore],
                networks: dict[str, vim.Network], own_pool: bool, vm_group: bool) -> list[Target]:
    """Where the operations user needs which role, VIC's layout plus the VCH's VM folder."""
    out = [Target(root, "vCenter root folder", "vcenter", False),
           Target(datacenter, "datacenter", "datacenter", True)]
    if cluster is not None:
        role = "cluster" if vm_group else ("datastore" if own_pool else "endpoint-datastore")
        out.append(Target(cluster, "cluster", role, True))
    out += [Target(ds, f"datastore {name}", "datastore", False) for name, ds in sorted(datastores.items())]
    out += [Target(net, f"network {name}", "network", True) for name, net in sorted(networks.items())]
    if pool is not None and own_pool:
        out.append(Target(pool, "the VCH's resource pool", "endpoint", True))
    if folder is not None:
        out.append(Target(folder, "the VCH's VM folder", "endpoint", True))
    return out


def _manager(session: Session) -> vim.AuthorizationManager:
    return session.content.authorizationManager


def _roles(session: Session) -> dict[str, vim.AuthorizationManager.Role]:
    manager = _manager(session)
    roles = retrieve_objects(session.content, [manager], ["roleList"])[manager].get("roleList") or []
    return {r.name: r for r in roles}


def ensure_roles(session: Session, names: set[str], created: list[str] | None = None) -> dict[str, int]:
    """Create the ``vic-vch-*`` roles that are missing (or add privileges an older one lacks); their ids by name.

    :param created: gets the full names of the roles this call created (to remove them again on failure).
    """
    existing = _roles(session)
    manager = _manager(session)
    for role in sorted(names):
        wanted = set(ROLES[role])
        found = existing.get(role_name(role))
        if found is None:
            with vsphere_call("create the role", role_name(role)):
                manager.AddAuthorizationRole(name=role_name(role), privIds=sorted(wanted))
            if created is not None:
                created.append(role_name(role))
        elif not wanted <= set(found.privilege or []):
            with vsphere_call("update the role", role_name(role)):
                manager.UpdateAuthorizationRole(roleId=found.roleId, newName=found.name,
                                                privIds=sorted(wanted | set(found.privilege or [])))
    # Read back: some vCenters (and the simulator) do not return the new role's id.
    current = _roles(session)
    return {role: current[role_name(role)].roleId for role in names}


def _own_permissions(session: Session, entity: vim.ManagedEntity) -> list[vim.AuthorizationManager.Permission]:
    return list(_manager(session).RetrieveEntityPermissions(entity=entity, inherited=False) or [])


def _is_principal(permission, principal: str) -> bool:
    # vCenter answers "DOMAIN\\user" for "user@domain": compare the bare user names too.
    def bare(name: str) -> str:
        return name.split("\\")[-1].split("@")[0].lower()

    return not permission.group and (permission.principal.lower() == principal.lower()
                                     or bare(permission.principal) == bare(principal))


def grant(session: Session, principal: str, targets: list[Target], created: list[str] | None = None) -> list[Grant]:
    """Give ``principal`` the targets' roles; entities where it already holds a permission are left alone.

    :return: the permissions set (to record, and to revoke on delete). On failure, revokes what it set first.
    """
    created = created if created is not None else []
    try:
        ids = ensure_roles(session, {t.role for t in targets}, created)
    except VicError:
        remove_roles_if_unused(session, created)
        raise
    manager = _manager(session)
    done: list[Grant] = []
    try:
        for t in targets:
            with vsphere_call("grant the operations user a role", t.name):
                existing = _own_permissions(session, t.entity)
                if any(_is_principal(p, principal) for p in existing):
                    continue
                ours = vim.AuthorizationManager.Permission(entity=t.entity, principal=principal, group=False,
                                                           roleId=ids[t.role], propagate=t.propagate)
                # Existing ones are passed along: some implementations replace the entity's whole list.
                manager.SetEntityPermissions(entity=t.entity, permission=[*existing, ours])
            done.append(Grant(f"{type(t.entity).__name__.split('.')[-1]}:{t.entity._moId}", t.name,
                              role_name(t.role), t.propagate))
    except VicError:
        revoke(session, principal, done)
        # The roles this call made are its own doing too: none is left behind by a grant that failed.
        remove_roles_if_unused(session, created)
        raise
    return done


def remove_roles_if_unused(session: Session, names: list[str]) -> list[str]:
    """Remove those of the ``vic-vch-*`` roles ``names`` that no permission uses; what was removed. Best effort."""
    if not names:
        return []
    from vic_machine.operations.leftovers import remove_unused_roles

    try:
        removed, _ = remove_unused_roles(session, list(names))
    except VicError:
        return []
    return removed


def entity_of(session: Session, ref: str) -> vim.ManagedEntity:
    type_name, _, moid = ref.partition(":")
    cls = getattr(vim, type_name, None) or getattr(vim.dvs, type_name, None) or vim.ManagedEntity
    return cls(moid, session.stub)


def revoke(session: Session, principal: str, grants: list[Grant]) -> list[str]:
    """Remove the permissions ``grant`` set (those still holding the recorded role); returns what was removed.

    An entity already gone took its permissions with it: skipped.
    """
    roles = {r.roleId: name for name, r in _roles(session).items()}
    manager = _manager(session)
    removed = []
    for g in reversed(grants):
        entity = entity_of(session, g.entity)
        try:
            with vsphere_call("remove the operations user's permission", g.name):
                mine = [p for p in _own_permissions(session, entity) if _is_principal(p, principal)]
                if not mine or roles.get(mine[0].roleId) != g.role:
                    continue  # changed by someone since: theirs now
                manager.RemoveEntityPermission(entity=entity, user=mine[0].principal, isGroup=False)
        except VicError as exc:
            if getattr(exc, "fault", "") in ("ManagedObjectNotFound", "NotFound"):
                continue
            raise
        removed.append(f"{g.role} on {g.name}")
    return removed


def encode_grants(principal: str, grants: list[Grant]) -> str:
    """The recorded value of ``GRANTS_KEY``."""
    return json.dumps({"principal": principal, "grants": [asdict(g) for g in grants]}, separators=(",", ":"))


def decode_grants(text: str | None) -> tuple[str, list[Grant]]:
    """``(principal, grants)`` from a recorded value; ``("", [])`` when none or unreadable."""
    if not text:
        return "", []
    try:
        data = json.loads(text)
        return data["principal"], [Grant(**g) for g in data["grants"]]
    except (ValueError, KeyError, TypeError):
        return "", []


def is_administrator(session: Session, principal: str) -> bool:
    """True when ``principal`` may already change permissions at the root: VIC leaves such a user's roles alone
    (a lesser role set on an object would override the administrator's inherited one there)."""
    root = session.content.rootFolder
    with vsphere_call("check the operations user's privileges", principal):
        answer = _manager(session).HasUserPrivilegeOnEntities(entities=[root], userName=principal,
                                                              privId=["Authorization.ModifyPermissions"])
    return bool(answer) and all(p.isGranted for p in answer[0].privAvailability or [])


def grant_for_vch(session: Session, principal: str, *, datacenter: vim.Datacenter,
                  cluster: vim.ManagedEntity | None, pool: vim.ResourcePool | None, folder: vim.Folder | None,
                  datastore_names: set[str], network_refs: dict[str, str], own_pool: bool,
                  vm_group: bool, created: list[str] | None = None) -> list[Grant]:
    """Grant the operations user what one VCH needs; ``network_refs`` maps port group names to ``Type:moid``;
    ``created`` gets the names of the roles made for it."""
    found = retrieve_objects_by_name(session, datacenter, vim.Datastore, datastore_names)
    networks = {name: entity_of(session, ref) for name, ref in network_refs.items()}
    targets = targets_for(root=session.content.rootFolder, datacenter=datacenter, cluster=cluster, pool=pool,
                          folder=folder, datastores=found, networks=networks, own_pool=own_pool, vm_group=vm_group)
    return grant(session, principal, targets, created)


def retrieve_objects_by_name(session: Session, root: vim.ManagedEntity, kind: type, names: set[str]) -> dict:
    objs = retrieve(session.content, root, {kind: ["name"]})
    return {p["name"]: o for o, p in objs.items() if p.get("name") in names}


def targets_of(session: Session, grants: list[Grant]) -> list[Target]:
    """The targets that set ``grants`` again (to give back what a revoke removed)."""
    return [Target(entity_of(session, g.entity), g.name, g.role.removeprefix(ROLE_PREFIX), g.propagate)
            for g in grants if g.role.removeprefix(ROLE_PREFIX) in ROLES]


def network_names(session: Session, refs: set[str]) -> dict[str, str]:
    """Port group name → ``Type:moid`` for the given references (the names are for messages)."""
    objs = {entity_of(session, r): r for r in sorted(refs) if ":" in r}
    props = retrieve_objects(session.content, list(objs), ["name"]) if objs else {}
    return {props.get(o, {}).get("name") or ref: ref for o, ref in objs.items()}


def replace_user(session: Session, old_principal: str, old_grants: list[Grant], new_principal: str,
                 grant_new: Callable[[], list[Grant]] | None) -> tuple[list[Grant], list[Grant]]:
    """Hand a VCH's permissions from one operations user to another: ``grant_new`` (None: grant nothing) sets the
    new user's, then the old user's recorded ones are revoked. Both at once or neither: on failure what was
    granted is revoked and what was revoked is granted again.

    :return: ``(granted, revoked)``; pass them to :func:`undo_replace` to go back.
    """
    granted = grant_new() if grant_new is not None else []
    try:
        removed = set(revoke(session, old_principal, old_grants)) if old_grants else set()
    except VicError:
        revoke(session, new_principal, granted)
        raise
    return granted, [g for g in old_grants if f"{g.role} on {g.name}" in removed]


def undo_replace(session: Session, old_principal: str, new_principal: str, granted: list[Grant],
                 revoked: list[Grant]) -> None:
    """Undo :func:`replace_user`: the new user's grants removed, the old user's given back."""
    revoke(session, new_principal, granted)
    if revoked:
        grant(session, old_principal, targets_of(session, revoked))
