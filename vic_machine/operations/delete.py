"""Delete a VCH: its containers, endpoint VM, datastore files, VM folder, resource pool and DRS VM group.

Deleting cannot be undone, so nothing is rolled back: every object removed is reported, and on failure the
error lists exactly what is left. A delete that stopped can always be finished: before anything is removed the
endpoint VM is marked as being deleted and its resource pool and VM folder are marked as the VCH's
(:mod:`vic_machine.operations.marks`, also on a VCH VIC 1.5.8 made); the pieces are removed with the endpoint VM
as late as VIC 1.5.8 removes it and the marked pool and folder last, so until the last piece is gone the VCH is
listed as *Being deleted* and running delete again removes the rest (:mod:`vic_machine.operations.remnants`). Volume stores are kept unless asked (they hold users' data), and each kept one
is named. Asked, the datastore ones are removed as vic-machine 1.5.8 removes them (its ``delete --force``); NFS
ones are skipped with a warning, since the NFS server may not be reachable from here. A volume store whose folder
does not exist is reported as not found, and one that cannot be removed as a warning: neither stops the delete.

As vic-machine 1.5 did, a VCH of another version than the installer's (the appliance ISO at hand) is refused
unless forced: an installer only knows for sure how its own version lays a VCH out. With no ISO to compare
with, or a VCH whose version is unrecorded, nothing is refused.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from pyVmomi import vim

from vic_machine.errors import Conflict, OperationFailed, VicError
from vic_machine.esxi import bridge as esxi_bridge
from vic_machine.extraconfig import is_container, read_extra_config
from vic_machine.extraconfig.gotypes import URL
from vic_machine.extraconfig.volume_store import DatastorePath, volume_store_location, volume_store_removal_path
from vic_machine.iso import IsoInfo
from vic_machine.operations import leftovers, marks, opsuser, remnants
from vic_machine.operations.ls import NEWER, VchSummary, upgrade_status
from vic_machine.operations.marks import Record
from vic_machine.operations.plan import Plan, RunContext, Sink, Step
from vic_machine.vsphere import vm_spec
from vic_machine.operations.vm_group import has_vm_group, remove_vm_group
from vic_machine.vsphere.collector import retrieve, retrieve_objects
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.tasks import run_task


class DeleteFailed(VicError):
    """A delete stopped part way: ``removed`` says what is gone, ``left`` what remains; ``retry`` how to remove
    the rest (running delete again)."""

    code = "delete_failed"

    def __init__(self, step: str, cause: BaseException, removed: list[str], left: list[str],
                 retry: str = "") -> None:
        self.step, self.cause, self.removed, self.left, self.retry = step, cause, removed, left, retry
        text = f"Step '{step}' failed: {cause}"
        if removed:
            text += f". Removed: {', '.join(removed)}"
        if not removed:
            text += ". Nothing was removed"
        if left:
            text += f". Left: {', '.join(left)}"
            text += f". {retry}" if retry else ". Remove them by hand"
        super().__init__(text)


UPGRADEABLE = "Upgradeable to"


class VersionMismatch(Conflict):
    """The VCH is of another version than the installer's; ``vch_version`` and ``installer_version`` say which."""

    code = "version_mismatch"

    def __init__(self, message: str, *, remedy: str, vch_version: str, installer_version: str) -> None:
        super().__init__(message, remedy=remedy)
        self.vch_version, self.installer_version = vch_version, installer_version


def version_mismatch(vch: VchSummary, installer: IsoInfo | None,
                     force_hint: str = "--force") -> VersionMismatch | None:
    """Why ``vch`` is not of ``installer``'s version (the appliance ISO held), or None when it is, or when
    there is nothing to compare with.

    :param force_hint: how the caller's front end says "force" (``--force``), named in the remedy.
    """
    if installer is None:
        return None
    status = upgrade_status(vch.config, installer)
    # "Unknown": nothing to compare; "Upgrade in progress": a crashed upgrade must not make a VCH undeletable.
    if status != NEWER and not status.startswith(UPGRADEABLE):
        return None
    theirs = vch.version or "unknown"
    if status == NEWER:
        message = f"VCH {vch.name} is version {theirs}, newer than this installer's {installer.tag}"
        remedy = (f"Delete it with an installer of version {theirs}, or use {force_hint} to delete it with this "
                  "one anyway")
    else:
        message = f"VCH {vch.name} is version {theirs}, older than this installer's {installer.tag}"
        remedy = (f"Upgrade it to {installer.tag} first (vic-machine upgrade), or use {force_hint} to delete it "
                  "as it is")
    return VersionMismatch(message, remedy=remedy, vch_version=theirs, installer_version=installer.tag)


def check_version(vch: VchSummary, installer: IsoInfo | None, *, force: bool = False,
                  force_hint: str = "--force") -> None:
    """Refuse to delete a VCH of another version than ``installer`` (the appliance ISO held), unless ``force``.

    :param force_hint: how the caller's front end says "force" (``--force``), named in the remedy.
    :raise VersionMismatch: the versions differ and ``force`` is false.
    """
    mismatch = None if force else version_mismatch(vch, installer, force_hint)
    if mismatch is not None:
        raise mismatch


@dataclass
class DeleteResult:
    """What a delete did: ``removed``; ``kept`` (volume stores left on purpose); ``not_found`` (volume stores
    whose folder did not exist); ``warnings`` (what went wrong without stopping the delete, and what to do)."""

    name: str
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "removed": self.removed, "kept": self.kept, "not_found": self.not_found,
                "warnings": self.warnings}


@dataclass(frozen=True)
class _VolumeStore:
    """A volume store of the VCH: ``where`` its datastore folder; None for NFS, or when ``unreadable`` says
    why its location cannot be read."""

    label: str
    url: URL
    where: DatastorePath | None
    unreadable: str = ""

    @property
    def what(self) -> str:
        """How results and messages name it: ``volume store default ([LocalDS_0] vols)``."""
        if self.where is not None:
            return f"volume store {self.label} ({self.where})"
        if self.unreadable:
            return f"volume store {self.label} ({self.url.path})"
        return f"NFS volume store {self.label} ({self.url})"


def _volume_stores(locations: dict[str, URL]) -> list[_VolumeStore]:
    stores = []
    for label, url in locations.items():
        try:
            where = volume_store_location(url)
        except ValueError as exc:
            stores.append(_VolumeStore(label, url, None, unreadable=str(exc)))
            continue
        if where is not None and not where.folder:
            # Never the whole datastore: VIC 1.5.8 refuses that too.
            stores.append(_VolumeStore(label, url, None, unreadable=f"{where} is a datastore's root folder"))
            continue
        stores.append(_VolumeStore(label, url, where))
    return stores


@dataclass
class _Targets:
    """What the VCH consists of, read before anything is removed."""

    containers: dict[vim.VirtualMachine, dict]
    datastore: str
    vm_dir: str
    folder: vim.Folder | None
    pool: vim.ResourcePool | None
    cluster: vim.ClusterComputeResource | None
    group: str
    volumes: list[_VolumeStore]
    # On an ESXi host: the bridge network create made (its host and name), removed after the endpoint VM.
    bridge: tuple[vim.HostSystem, str] | None = None


def _read(session: Session, vch: VchSummary) -> _Targets:
    vm = vch.vm
    props = retrieve_objects(session.content, [vm], ["resourcePool", "parent", "config.files.vmPathName",
                                                     "runtime.host"])[vm]
    pool = props.get("resourcePool")
    pool_props = _props_of(session, pool, ["name", "parent", "owner"])
    own_pool = pool is not None and pool_props.get("name") == vch.name and isinstance(
        pool_props.get("parent"), vim.ResourcePool)
    containers: dict = {}
    if own_pool:
        found = retrieve(session.content, pool, {vim.VirtualMachine: ["name", "runtime.powerState",
                                                                      "config.extraConfig"]})
        containers = {c: p for c, p in found.items() if c != vm and is_container(p.get("config.extraConfig") or [])}
    folder = props.get("parent")
    folder_props = _props_of(session, folder, ["name", "parent"])
    own_folder = folder_props.get("name") == vch.name and isinstance(folder_props.get("parent"), vim.Folder)
    vmx = props.get("config.files.vmPathName", "")
    datastore = vmx[1:].split("]", 1)[0] if vmx.startswith("[") else vch.config.image_datastore
    vm_dir = vmx.split("] ", 1)[-1].rsplit("/", 1)[0] if "] " in vmx else ""
    owner = pool_props.get("owner")
    config = vch.config
    group = config.container.vm_group_name if config.container.use_vm_group else ""
    cluster = owner if isinstance(owner, vim.ClusterComputeResource) else None
    if group and cluster is not None and not has_vm_group(session, cluster, group):
        group = ""  # removed by hand, or by an earlier delete that failed later: nothing left to remove
    volumes = _volume_stores(config.volume_stores)
    return _Targets(containers=containers, datastore=datastore, vm_dir=vm_dir,
                    folder=folder if own_folder else None, pool=pool if own_pool else None,
                    cluster=cluster, group=group,
                    volumes=volumes, bridge=esxi_bridge.made_for(session, config, props.get("runtime.host")))


def _props_of(session: Session, obj, paths: list[str]) -> dict:
    """``obj``'s properties; {} when there is none, or it is gone (a folder removed around its VM)."""
    if obj is None:
        return {}
    try:
        return retrieve_objects(session.content, [obj], paths).get(obj, {})
    except VicError as exc:
        if getattr(exc, "fault", "") == "ManagedObjectNotFound":
            return {}
        raise


def _power_off(vm: vim.VirtualMachine, state: str, what: str) -> None:
    if state == "poweredOn":
        run_task(vm.PowerOffVM_Task, f"power off {what}", what)


def delete_path(session: Session, datacenter, path: str) -> bool:
    """Remove ``path``; False when it was already gone."""
    manager = session.content.fileManager
    try:
        run_task(lambda: manager.DeleteDatastoreFile_Task(name=path, datacenter=datacenter), f"remove {path}", path)
    except VicError as exc:
        if getattr(exc, "fault", "") in ("FileNotFound", "NotFound"):
            return False
        raise
    return True


_delete_path = delete_path


def retry_hint(vch: VchSummary, force_hint: str = "--force") -> str:
    """How to finish a delete that stopped: run it again (the VCH is listed as being deleted until then)."""
    return (f"VCH {vch.name} is listed as being deleted until its last piece is gone: run delete again "
            f"(vic-machine delete --id {vch.id}, or Delete in the VCH list) to remove the rest")


def _delete_remnant(session: Session, vch: VchSummary, force: bool, sink: Sink | None,
                    cancel_event: threading.Event | None = None) -> DeleteResult:
    done = remnants.delete_remnant(session, vch.remnant, force=force, sink=sink, retry_hint=retry_hint(vch),
                                   cancel_event=cancel_event)
    result = DeleteResult(vch.name, removed=done.removed, warnings=done.warnings)
    result.not_found = done.not_found
    return result


def delete_vch(session: Session, vch: VchSummary, *, force: bool = False, delete_volumes: bool = False,
               sink: Sink | None = None, installer: IsoInfo | None = None,
               force_hint: str = "--force", cancel_event: threading.Event | None = None) -> DeleteResult:
    """Delete ``vch`` (from ``find_vch``).

    ``force`` and ``delete_volumes`` are separate, as in vic-machine-server 1.5.8's API (``containers`` and
    ``volume_stores``); vic-machine 1.5.8's ``delete --force`` is both at once.

    :param force: power off and delete running containers, and delete a VCH of another version than
        ``installer``'s (warning about it).
    :param delete_volumes: remove the datastore volume stores; NFS ones are skipped with a warning. Without it
        every volume store is kept, and named in ``kept``.
    :param installer: the appliance ISO held, to refuse a VCH of another version; None: no version check.
    :param force_hint: how the front end spells ``force``, for the remedies of the refusals.
    :param cancel_event: set, the delete stops before its next step (nothing removed is put back: the VCH stays
        listed as being deleted, and delete again finishes it).
    :raise VersionMismatch: the VCH's version differs from ``installer``'s and ``force`` is false.
    :raise Conflict: containers are powered on and ``force`` is false (nothing was removed).
    :raise DeleteFailed: a removal failed; ``removed``/``left`` say where it stopped.
    """
    if vch.remnant is not None:
        return _delete_remnant(session, vch, force, sink, cancel_event)
    mismatch = version_mismatch(vch, installer, force_hint)
    if mismatch is not None and not force:
        raise mismatch
    try:
        t = _read(session, vch)
        dc = _datacenter_of(session, vch)
    except VicError as exc:
        raise DeleteFailed(f"Read VCH {vch.name}", exc, [], [f"VCH {vch.name} ({vch.id}), whole"]) from exc
    running = sorted(p["name"] for p in t.containers.values() if p.get("runtime.powerState") == "poweredOn")
    if running and not force:
        raise Conflict(f"VCH {vch.name} has {len(running)} powered-on container(s): {', '.join(running)}",
                       remedy=f"Stop them first, or use {force_hint} to power them off and delete them")
    result = DeleteResult(vch.name)
    # Said by the first step, so every front end's progress shows it before anything is removed.
    notes: list[str] = []
    if mismatch is not None:
        result.warnings.append(f"{mismatch.message}: deleting it anyway, as forced")
        notes.append(f"Warning: {result.warnings[-1]}")
    pending: list[str] = [f"container VM {p['name']}" for p in t.containers.values()]
    if delete_volumes:
        pending += [v.what for v in t.volumes if v.where is not None]
    if t.group and t.cluster is not None:
        pending.append(f"DRS VM group {t.group}")
    pending += [f"endpoint VM {vch.name}"]
    if t.bridge is not None:
        pending.append(f"bridge network {t.bridge[1]}")
    if t.vm_dir:
        pending.append(f"folder [{t.datastore}] {t.vm_dir}")
    if t.folder is not None:
        pending.append(f"VM folder {vch.name}")
    if t.pool is not None:
        pending.append(f"resource pool {vch.name}")

    def done(what: str, ctx: RunContext) -> None:
        result.removed.append(what)
        pending.remove(what)
        ctx.say(f"Removed {what}")

    def warn(message: str, ctx: RunContext) -> None:
        result.warnings.append(message)
        ctx.say(f"Warning: {message}")

    principal, grants = opsuser.decode_grants(read_extra_config(vch.props.get("config.extraConfig") or [])
                                              .get(opsuser.GRANTS_KEY))
    if grants:
        pending.insert(0, f"permissions of {principal}")
    anchors = [o for o in (t.pool, t.folder) if o is not None]
    record = Record(vch=vch.name, id=vch.id, vm=vch.id, state=marks.DELETING,
                    files=f"[{t.datastore}] {t.vm_dir}" if t.vm_dir else "",
                    group=t.group if t.cluster is not None else "",
                    cluster=t.cluster._moId if t.group and t.cluster is not None else "",
                    volumes=[str(volume_store_removal_path(v.where)) for v in t.volumes
                             if delete_volumes and v.where is not None])

    def remark(ctx: RunContext, **gone) -> None:
        """A recorded piece is gone: the marks say so, so what is listed as left stays exact. Best effort."""
        for key, value in gone.items():
            setattr(record, key, value)
        if marked_ok["done"]:
            for anchor in anchors:
                try:
                    marks.mark(session, anchor, record)
                except VicError:
                    marked_ok["done"] = False  # the next delete then finds the piece already gone: no harm
                    return

    marked_ok = {"done": False}
    stores_left: list[str] = []  # volume stores asked to be removed that could not be

    def keeping_anchors() -> bool:
        return bool(stores_left) and marked_ok["done"]

    def mark(ctx: RunContext) -> None:
        # Before anything is removed: the VM says "being deleted" while it exists, the pool and folder say whose
        # they are (and what else is the VCH's) once it is gone.
        run_task(lambda: vch.vm.ReconfigVM_Task(spec=vm_spec.extra_config_spec({marks.STATE_KEY: marks.DELETING})),
                 "mark the VCH as being deleted", vch.name)
        for anchor in anchors:
            try:
                marks.mark(session, anchor, record)
            except VicError as exc:
                warn(f"Could not mark the {'resource pool' if anchor is t.pool else 'VM folder'} {vch.name} as "
                     f"this VCH's ({exc}): if this delete stops after the endpoint VM is removed, what is left "
                     "is not listed", ctx)
                break
        else:
            marked_ok["done"] = bool(anchors)
        ctx.say(f"Marked {vch.name} as being deleted")

    def permissions(ctx: RunContext) -> None:
        # First: while the pool and folder exist, so exactly what create set is found and removed.
        for what in opsuser.revoke(session, principal, grants):
            ctx.say(f"Removed {what} from {principal}")
        done(f"permissions of {principal}", ctx)
        # The operations-user roles are shared by VCHs; those no permission uses any more go too.
        removed, failed = leftovers.remove_unused_roles(session, sorted({g.role for g in grants}))
        for what in removed:
            ctx.say(f"Removed {what} (no permission uses it any more)")
        for what in failed:
            warn(f"Could not remove {what}: remove it in the vSphere Client (Administration, Roles) or with "
                 "vic-machine delete --leftovers", ctx)

    def containers(ctx: RunContext) -> None:
        for c, p in t.containers.items():
            what = f"container VM {p['name']}"
            _power_off(c, p.get("runtime.powerState", ""), what)
            run_task(c.Destroy_Task, f"remove {what}", what)
            done(what, ctx)

    def endpoint(ctx: RunContext) -> None:
        what = f"endpoint VM {vch.name}"
        _power_off(vch.vm, vch.power_state, what)
        run_task(vch.vm.Destroy_Task, f"remove {what}", what)
        done(what, ctx)

    def bridge(ctx: RunContext) -> None:
        # After the endpoint VM: a host refuses to remove a port group a VM's NIC is still on.
        host, name = t.bridge
        for what in esxi_bridge.remove(session, host, name):
            ctx.say(f"Removed {what}")
        done(f"bridge network {name}", ctx)

    def files(ctx: RunContext) -> None:
        # This folder held the endpoint VM's files when read; gone now (destroying a VM may take its folder
        # with it, as the simulator does), it was removed by this delete all the same.
        _delete_path(session, dc, f"[{t.datastore}] {t.vm_dir}")
        done(f"folder [{t.datastore}] {t.vm_dir}", ctx)
        if t.folder is not None or t.pool is not None:
            remark(ctx, files="")

    def remove_volumes(ctx: RunContext) -> None:
        for store in t.volumes:
            if store.unreadable:
                keep(store, ctx)
            elif store.where is None:
                # As 1.5.8: an NFS server need not be reachable from where vic-machine runs, so never tried.
                result.kept.append(store.what)
                warn(f"Skipped {store.what}: vic-machine does not remove NFS volume stores (the NFS server may "
                     "not be reachable from here); remove its volumes on the NFS server if they are not wanted",
                     ctx)
            else:
                remove_store(store, ctx)
        if record.volumes:
            remark(ctx, volumes=list(stores_left))

    def remove_store(store: _VolumeStore, ctx: RunContext) -> None:
        path = str(volume_store_removal_path(store.where))
        try:
            gone = _delete_path(session, dc, path)
        except VicError as exc:
            # As 1.5.8: a volume store that cannot be removed does not stop the delete; it is left, and said. The
            # marked pool and folder are then kept, recording it, so the VCH stays listed as being deleted and
            # delete again removes it.
            stores_left.append(path)
            pending.remove(store.what)
            if anchors and marked_ok["done"]:
                warn(f"Could not remove {store.what} at {path}: {exc}. VCH {vch.name} stays listed as being deleted, "
                     f"its resource pool and VM folder kept to record it, until it is removed: run delete again "
                     f"(vic-machine delete --id {vch.id} --delete-volumes)", ctx)
            else:
                warn(f"Could not remove {store.what} at {path}: {exc}. Remove it with the vSphere Client's "
                     "datastore browser", ctx)
            return
        if gone:
            done(store.what, ctx)
            return
        pending.remove(store.what)
        result.not_found.append(store.what)
        # Named apart only when it differs: the store's own folder ("VIC/volumes" in the shared "VIC" one).
        inside = f", {path} does not exist" if path != str(store.where) else ""
        ctx.say(f"Not found: {store.what}{inside}; nothing to remove")

    def keep(store: _VolumeStore, ctx: RunContext) -> None:
        result.kept.append(store.what)
        if store.unreadable:
            warn(f"Kept {store.what}: its location cannot be read ({store.unreadable}); remove it by hand if "
                 "it is not wanted", ctx)
        elif store.where is None:
            ctx.say(f"Kept {store.what}: its volumes stay on the NFS server")
        else:
            ctx.say(f"Kept {store.what}: its volumes stay on the datastore")

    def keep_volumes(ctx: RunContext) -> None:
        for store in t.volumes:
            keep(store, ctx)

    def group(ctx: RunContext) -> None:
        remove_vm_group(t.cluster, t.group)
        done(f"DRS VM group {t.group}", ctx)
        remark(ctx, group="", cluster="")

    def kept(what: str, ctx: RunContext) -> None:
        pending.remove(what)
        result.kept.append(what)
        ctx.say(f"Kept {what}: marked, it records the volume stores still to remove ({', '.join(stores_left)})")

    def folder(ctx: RunContext) -> None:
        if keeping_anchors():
            return kept(f"VM folder {vch.name}", ctx)
        run_task(t.folder.Destroy_Task, "remove the VM folder", vch.name)
        done(f"VM folder {vch.name}", ctx)

    def pool(ctx: RunContext) -> None:
        if keeping_anchors():
            return kept(f"resource pool {vch.name}", ctx)
        run_task(t.pool.Destroy_Task, "remove the resource pool", vch.name)
        done(f"resource pool {vch.name}", ctx)

    # VIC 1.5.8's order: everything else before the endpoint VM, which holds the configuration; then what the
    # marked pool and folder record; the pool and folder themselves last.
    plan_steps = [Step("Mark the VCH as being deleted", mark)]
    plan_steps += [Step("Remove operations-user permissions", permissions)] if grants else []
    plan_steps += [Step("Remove containers", containers)] if t.containers else []
    if t.volumes:
        plan_steps.append(Step("Remove volume stores", remove_volumes) if delete_volumes
                          else Step("Keep volume stores", keep_volumes))
    if t.group and t.cluster is not None:
        plan_steps.append(Step("Remove DRS VM group", group))
    plan_steps.append(Step("Remove endpoint VM", endpoint))
    if t.bridge is not None:
        plan_steps.append(Step("Remove bridge network", bridge))
    if t.vm_dir:
        plan_steps.append(Step("Remove datastore files", files))
    if t.folder is not None:
        plan_steps.append(Step("Remove VM folder", folder))
    if t.pool is not None:
        plan_steps.append(Step("Remove resource pool", pool))
    if notes:
        plan_steps[0] = Step(plan_steps[0].name, _saying(notes, plan_steps[0].run))
    try:
        Plan(f"Delete VCH {vch.name}", plan_steps).execute(RunContext(cancel_event=cancel_event or threading.Event()),
                                                          sink)
    except OperationFailed as exc:
        raise DeleteFailed(exc.step, exc.cause, result.removed, pending, retry=retry_hint(vch, force_hint)) from exc
    return result


def _saying(notes: list[str], run: Callable[[RunContext], Any]) -> Callable[[RunContext], None]:
    """A step's ``run`` that says ``notes`` first."""
    def wrapped(ctx: RunContext) -> None:
        for note in notes:
            ctx.say(note)
        run(ctx)
    return wrapped


def _datacenter_of(session: Session, vch: VchSummary) -> vim.Datacenter:
    obj = vch.vm
    while obj is not None and not isinstance(obj, vim.Datacenter):
        parent = _props_of(session, obj, ["parent"]).get("parent")
        if parent is None and isinstance(obj, vim.VirtualMachine):
            parent = _props_of(session, obj, ["resourcePool"]).get("resourcePool")  # its folder is gone
        obj = parent
    return obj
