"""What failed or interrupted operations leave that is no VCH's piece: operations-user roles no permission uses
any more, and the snapshots an interrupted configure took. ``ls`` lists them, ``delete --leftovers`` removes them.

Listing costs ``ls`` one request in the common case (nothing left): the roles' ids and names read raw (a vCenter's
role list holds hundreds of privileges per role, which pyvmomi would parse for nothing); the permissions only
when one of our roles exists; snapshot trees only of VCHs that have snapshots (``rootSnapshot``, read with them).
"""

from __future__ import annotations

from dataclasses import dataclass

from vic_machine.errors import VicError
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.raw_soap import role_names
from vic_machine.vsphere.session import Session

# VIC's operations-user roles (``vic_machine.operations.opsuser`` makes them).
ROLE_PREFIX = "vic-vch-"
SNAPSHOT_DESCRIPTIONS = ("Before vic-machine configure",)


@dataclass(frozen=True)
class Leftover:
    """Something an operation left that is no VCH's piece: ``what`` names it and where it is, ``remedy`` how to
    remove it."""

    kind: str
    what: str
    vch: str = ""
    remedy: str = ""

    def to_dict(self) -> dict:
        return {"kind": self.kind, "what": self.what, "vch": self.vch, "remedy": self.remedy}


def _our_roles(session: Session) -> dict[int, str]:
    return {role_id: name for role_id, name in role_names(session).items() if name.startswith(ROLE_PREFIX)}


def _unused(session: Session, ours: dict[int, str]) -> list[str]:
    if not ours:
        return []
    manager = session.content.authorizationManager
    with vsphere_call("read the permissions, to tell which roles are still used"):
        used = {p.roleId for p in manager.RetrieveAllPermissions() or []}
    return sorted(name for role_id, name in ours.items() if role_id not in used)


def unused_roles(session: Session) -> list[str]:
    """The ``vic-vch-*`` roles that no permission uses any more.

    :raise VicError: the roles or the permissions cannot be read.
    """
    return _unused(session, _our_roles(session))


def remove_unused_roles(session: Session, names: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Remove the unused ``vic-vch-*`` roles (those named, or all): ``(removed, could not remove with why)``."""
    manager = session.content.authorizationManager
    try:
        ours = _our_roles(session)
        unused = _unused(session, ours)
    except VicError as exc:
        return [], [f"role {n} ({exc})" for n in (names or [f"{ROLE_PREFIX}*"])]
    ids = {name: role_id for role_id, name in ours.items()}
    removed, failed = [], []
    for name in unused:
        if names is not None and name not in names:
            continue
        try:
            with vsphere_call("remove the role", name):
                # failIfUsed: a permission set since (a concurrent create) keeps the role.
                manager.RemoveAuthorizationRole(roleId=ids[name], failIfUsed=True)
        except VicError as exc:
            failed.append(f"role {name} ({exc})")
            continue
        removed.append(f"role {name}")
    return removed, failed


def _snapshots_of(session: Session, vms: list) -> dict:
    """Each VM's snapshot trees (one read for all), oldest first."""
    from vic_machine.vsphere.snapshots import walk_snapshots

    found = retrieve_objects(session.content, vms, ["snapshot"])
    return {vm: walk_snapshots(list(getattr(props.get("snapshot"), "rootSnapshotList", None) or []))
            for vm, props in found.items()}


def leftover_snapshots(session: Session, vchs: list) -> list[Leftover]:
    """Snapshots an interrupted configure left (``configure …`` with our description), on VCHs that no configure
    or upgrade holds now and that have snapshots (``rootSnapshot``, when ``ls`` read it; else asked)."""
    vms = [v.vm for v in vchs if v.vm is not None and not v.config.update_in_progress
           and v.props.get("rootSnapshot", True)]
    if not vms:
        return []
    names = {v.vm: v.name for v in vchs if v.vm is not None}
    return [Leftover("snapshot", f"snapshot {tree.name!r} of VCH {names[vm]} ({vm._moId})", names[vm],
                     remedy=f"vic-machine delete --leftovers --name {names[vm]}")
            for vm, trees in _snapshots_of(session, vms).items()
            for tree in trees if tree.description in SNAPSHOT_DESCRIPTIONS]


def remove_snapshots(session: Session, vch) -> list[str]:
    """Remove the leftover configure snapshots of one VCH; what was removed."""
    from vic_machine.vsphere.tasks import run_task

    removed = []
    for tree in _snapshots_of(session, [vch.vm]).get(vch.vm, []):
        if tree.description in SNAPSHOT_DESCRIPTIONS:
            run_task(lambda t=tree: t.snapshot.RemoveSnapshot_Task(removeChildren=False), "remove the snapshot",
                     tree.name)
            removed.append(f"snapshot {tree.name!r} of VCH {vch.name}")
    return removed


def leftovers(session: Session, vchs: list) -> list[Leftover]:
    """Everything left behind that is no VCH's piece: unused operations-user roles, configure snapshots."""
    try:
        roles = unused_roles(session)
    except VicError:
        roles = []  # a listing: what cannot be read is not offered
    out = [Leftover("role", f"role {name} (no permission uses it)", remedy="vic-machine delete --leftovers")
           for name in roles]
    return out + leftover_snapshots(session, vchs)


def remove_leftovers(session: Session, vchs: list, name: str = "") -> tuple[list[str], list[str]]:
    """Remove what :func:`leftovers` lists (only the snapshots of VCH ``name`` when given, and then no roles):
    ``(removed, could not remove with why)``."""
    removed, failed = ([], []) if name else remove_unused_roles(session)
    for vch in vchs:
        if vch.vm is None or (name and vch.name != name) or vch.config.update_in_progress:
            continue
        try:
            removed += remove_snapshots(session, vch)
        except VicError as exc:
            failed.append(f"snapshots of VCH {vch.name} ({exc})")
    return removed, failed
