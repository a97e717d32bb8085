"""Ask vCenter whether the caller may do an operation, before starting it: 403 naming what is missing."""

from __future__ import annotations

from pyVmomi import vim

from vic_machine.errors import PermissionDenied
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session

CREATE = (
    "Resource.CreatePool",
    "Resource.AssignVMToPool",
    "Folder.Create",
    "VirtualMachine.Inventory.Create",
    "VirtualMachine.Config.AddNewDisk",
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


def require(session: Session, entity: vim.ManagedEntity, privileges: tuple[str, ...], what: str, name: str) -> None:
    """:raise PermissionDenied: naming every privilege the caller lacks on ``entity`` (called ``name``)."""
    with vsphere_call(f"check the privileges to {what}", obj=name):
        key = session.content.sessionManager.currentSession.key
        granted = session.content.authorizationManager.HasPrivilegeOnEntity(
            entity=entity, sessionId=key, privId=list(privileges))
    missing = [p for p, ok in zip(privileges, granted) if not ok]
    if missing:
        raise PermissionDenied(f"{session.user} may not {what} on {name}: missing privilege(s) {', '.join(missing)}",
                               remedy="Ask your vSphere administrator for a role with these privileges")
