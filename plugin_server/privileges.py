"""Ask vCenter whether the caller may do an operation, before starting it: 403 naming what is missing.

Which route needs what, on which object, is README's "Who may call what"; these are the sets the routes check.
vCenter checks each call again itself (and leaves out of every read what the user may not see); the checks here
make a refusal come before anything is done, naming every privilege missing at once.
"""

from __future__ import annotations

from pyVmomi import vim

from vic_machine.errors import PermissionDenied
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session

# Reading a VCH: its configuration, certificate, log, containers.
READ = ("System.Read",)
CREATE = (
    "Resource.CreatePool",
    "Resource.AssignVMToPool",
    "Folder.Create",
    "VirtualMachine.Inventory.Create",
    "VirtualMachine.Config.AddNewDisk",
    "VirtualMachine.Config.AddRemoveDevice",  # the CD-ROM and serial port added after the VM is made
    "VirtualMachine.Config.AdvancedConfig",  # the VCH id and permissions recorded in its extraConfig
    "VirtualMachine.Interact.PowerOn",
    "Datastore.AllocateSpace",
    "Datastore.FileManagement",
    "Network.Assign",
)
DELETE = (
    "VirtualMachine.Interact.PowerOff",
    "VirtualMachine.Inventory.Delete",
    "Resource.DeletePool",
    "Folder.Delete",
    "Datastore.FileManagement",
)


# Opening or closing the VCH ruleset of a host's firewall, on each host.
FIREWALL = ("Host.Config.NetService",)


def missing(session: Session, entity: vim.ManagedEntity, privileges: tuple[str, ...], what: str) -> list[str]:
    """The privileges of ``privileges`` the caller lacks on ``entity``, as vCenter answers."""
    with vsphere_call(f"check the privileges to {what}"):
        key = session.content.sessionManager.currentSession.key
        granted = session.content.authorizationManager.HasPrivilegeOnEntity(
            entity=entity, sessionId=key, privId=list(privileges))
    return [p for p, ok in zip(privileges, granted) if not ok]


def require(session: Session, entity: vim.ManagedEntity, privileges: tuple[str, ...], what: str, name: str) -> None:
    """:raise PermissionDenied: naming every privilege the caller lacks on ``entity`` (called ``name``)."""
    lacking = missing(session, entity, privileges, what)
    if lacking:
        raise PermissionDenied(f"{session.user} may not {what} on {name}: missing privilege(s) {', '.join(lacking)}",
                               remedy="Ask your vSphere administrator for a role with these privileges")


def require_each(session: Session, entities: dict[str, vim.ManagedEntity], privileges: tuple[str, ...],
                 what: str) -> None:
    """:func:`require` for many entities (name → entity) in one question to vCenter.

    :raise PermissionDenied: naming the privileges missing and the entities they are missing on.
    """
    if not entities:
        return
    names = {entity._moId: name for name, entity in entities.items()}
    with vsphere_call(f"check the privileges to {what}"):
        key = session.content.sessionManager.currentSession.key
        answers = session.content.authorizationManager.HasPrivilegeOnEntities(
            entity=list(entities.values()), sessionId=key, privId=list(privileges))
    missing: dict[str, list[str]] = {}
    for answer in answers or []:
        for p in answer.privAvailability or []:
            if not p.isGranted:
                missing.setdefault(p.privId, []).append(names.get(answer.entity._moId, answer.entity._moId))
    if missing:
        where = "; ".join(f"{p} on {', '.join(sorted(on))}" for p, on in sorted(missing.items()))
        raise PermissionDenied(f"{session.user} may not {what}: missing privilege(s) {where}",
                               remedy="Ask your vSphere administrator for a role with these privileges")
