"""What is left of a VCH whose endpoint VM is gone: found from the marks on its pool and folder, and removed.

A failed or interrupted delete, a create whose undo failed, a server killed part way, or an endpoint VM removed by
hand leave pieces of a VCH without the VM that held its configuration. The pieces that were marked
(:mod:`vic_machine.operations.marks`) say whose they are and what else was the VCH's (its datastore folder, DRS VM
group, volume store folders a delete was asked to remove). They are listed with the VCHs, as *Being deleted*,
*Being created* or *Incomplete*, under the VM's old id (or, for a create that never made its VM, a ``pending-…``
id), and ``delete`` removes them, in an order that keeps the marked pool and folder until the very last.

Only marked pools and folders are ever offered: a pool merely named like a VCH may be a user's own. Inside them
only container VMs (VIC's rule) are removed; any other VM is left alone, and a folder still holding one is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyVmomi import vim

from vic_machine.errors import Conflict, OperationFailed, VicError
from vic_machine.extraconfig import is_container
from vic_machine.operations import marks
from vic_machine.operations.marks import Record
from vic_machine.operations.plan import Plan, RunContext, Sink, Step
from vic_machine.operations.vm_group import has_vm_group, remove_vm_group
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.tasks import run_task

BEING_CREATED = "Being created"
BEING_DELETED = "Being deleted"
INCOMPLETE = "Incomplete (endpoint VM missing)"


@dataclass
class Remnant:
    """The marked pieces of one VCH whose endpoint VM is gone."""

    record: Record
    pool: vim.ResourcePool | None = None
    folder: vim.Folder | None = None
    pool_path: str = ""
    folder_path: str = ""
    path: str = ""
    vms: dict = field(default_factory=dict)  # VMs still in the pool or folder: object → name

    @property
    def id(self) -> str:
        return self.record.vm or self.record.id

    @property
    def name(self) -> str:
        return self.record.vch

    @property
    def status(self) -> str:
        return {marks.DELETING: BEING_DELETED, marks.CREATING: BEING_CREATED}.get(self.record.state, INCOMPLETE)

    @property
    def anchors(self) -> list:
        return [o for o in (self.pool, self.folder) if o is not None]

    def pieces(self) -> list[str]:
        """What is left, each named with where it is."""
        out = [f"VM {name}" for name in sorted(self.vms.values())]
        out += [f"volume store folder {v}" for v in self.record.volumes]
        if self.record.group:
            out.append(f"DRS VM group {self.record.group}")
        if self.record.files:
            out.append(f"datastore folder {self.record.files}")
        if self.folder is not None:
            out.append(f"VM folder {self.folder_path}")
        if self.pool is not None:
            out.append(f"resource pool {self.pool_path}")
        return out


def _path(obj, objs: dict, dc_name: str) -> str:
    parts = []
    while obj is not None and obj in objs:
        parts.append(objs[obj]["name"])
        obj = objs[obj].get("parent")
    return "/".join(["", dc_name, *reversed(parts)])


def find(session: Session, objs: dict, records: dict, vch_vms: dict, dc_name: str) -> list[Remnant]:
    """The remnants among ``objs`` (a datacenter's VMs, pools, compute resources and folders with ``customValue``
    read in bulk, as ``ls`` reads them) whose marks are ``records`` (``marks.read_records``); ``vch_vms`` are the
    VCH endpoint VMs found (object → properties): a marked pool or folder holding one of those, or naming its id,
    is that VCH's, not a remnant."""
    vch_ids = {vm._moId for vm in vch_vms}
    holders = {p.get("resourcePool") for p in vch_vms.values()} | {p.get("parent") for p in vch_vms.values()}
    groups: dict[tuple[str, str], Remnant] = {}
    for obj, record in records.items():
        if obj in holders or (record.vm and record.vm in vch_ids):
            continue
        remnant = groups.setdefault((record.vch, record.vm or record.id), Remnant(record))
        # The newest word on the pieces wins: a delete's record over the create's.
        if record.state == marks.DELETING or remnant.record is record:
            remnant.record = record if record.state == marks.DELETING else remnant.record
        if isinstance(obj, vim.ResourcePool):
            remnant.pool, remnant.pool_path = obj, _path(obj, objs, dc_name)
        else:
            remnant.folder, remnant.folder_path = obj, _path(obj, objs, dc_name)
    if any(r.folder is not None for r in groups.values()):
        _read_vm_folders(session, objs)
    for remnant in groups.values():
        remnant.path = remnant.pool_path.rsplit("/", 1)[0] if remnant.pool is not None else remnant.folder_path
        remnant.vms = {vm: props.get("name", vm._moId) for vm, props in objs.items()
                       if isinstance(vm, vim.VirtualMachine)
                       and ((remnant.pool is not None and props.get("resourcePool") == remnant.pool)
                            or (remnant.folder is not None and props.get("parent") == remnant.folder))}
    return sorted(groups.values(), key=lambda r: (r.name, r.id))


def _read_vm_folders(session: Session, objs: dict) -> None:
    """Add each VM's folder (``parent``) to ``objs`` where the bulk read left it out (``ls`` does not read it for
    every VM: only a remnant with a folder needs it), in one request."""
    from vic_machine.vsphere.raw_soap import retrieve_objects_plain

    missing = [o for o, p in objs.items() if isinstance(o, vim.VirtualMachine) and "parent" not in p]
    for vm, props in retrieve_objects_plain(session, missing, ["parent"]).items():
        if vm in objs and "parent" in props:
            objs[vm]["parent"] = props["parent"]


@dataclass
class RemnantResult:
    name: str
    removed: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def delete_remnant(session: Session, remnant: Remnant, *, force: bool = False, sink: Sink | None = None,
                   retry_hint: str = "", cancel_event=None) -> RemnantResult:
    """Remove what is left of a VCH (from :func:`find`), marked pool and folder last.

    :param force: power off and remove container VMs still running in it.
    :raise Conflict: container VMs are running and ``force`` is false, or the VM folder holds VMs that are not
        the VCH's containers (nothing was removed).
    :raise RemnantDeleteFailed: a removal failed; ``removed`` and ``left`` say where it stopped.
    """
    from vic_machine.operations.delete import DeleteFailed, delete_path

    name = remnant.name
    try:
        vms = retrieve_objects(session.content, list(remnant.vms), ["name", "runtime.powerState",
                                                                   "config.extraConfig", "parent",
                                                                   "resourcePool"]) if remnant.vms else {}
    except VicError as exc:
        raise DeleteFailed(f"Read what is left of VCH {name}", exc, [], remnant.pieces(), retry=retry_hint) from exc
    containers = {vm: p for vm, p in vms.items() if is_container(p.get("config.extraConfig") or [])}
    others = sorted(p.get("name", vm._moId) for vm, p in vms.items() if vm not in containers)
    in_folder = sorted(p.get("name", vm._moId) for vm, p in vms.items()
                       if vm not in containers and remnant.folder is not None and p.get("parent") == remnant.folder)
    if in_folder:
        raise Conflict(f"VM folder {remnant.folder_path} of VCH {name} holds VMs that are not its containers: "
                       f"{', '.join(in_folder)}", remedy="Move them out of the folder, then delete again")
    running = sorted(p.get("name", "") for p in containers.values() if p.get("runtime.powerState") == "poweredOn")
    if running and not force:
        raise Conflict(f"What is left of VCH {name} has {len(running)} powered-on container(s): {', '.join(running)}",
                       remedy="Stop them first, or force the delete to power them off and remove them")
    result = RemnantResult(name)
    record = remnant.record
    pending = [f"container VM {p.get('name', '')}" for p in containers.values()]
    pending += [f"volume store folder {v}" for v in record.volumes]
    group = record.group
    cluster = vim.ClusterComputeResource(record.cluster, session.stub) if record.cluster else None
    try:
        if group and cluster is not None and not has_vm_group(session, cluster, group):
            group = ""
        dc = _datacenter_of(session, remnant.anchors[0]) if remnant.anchors else None
    except VicError as exc:
        raise DeleteFailed(f"Read what is left of VCH {name}", exc, [], remnant.pieces(), retry=retry_hint) from exc
    if group:
        pending.append(f"DRS VM group {group}")
    if record.files:
        pending.append(f"datastore folder {record.files}")
    if remnant.folder is not None:
        pending.append(f"VM folder {remnant.folder_path}")
    if remnant.pool is not None:
        pending.append(f"resource pool {remnant.pool_path}")

    def done(what: str, ctx: RunContext) -> None:
        result.removed.append(what)
        pending.remove(what)
        ctx.say(f"Removed {what}")

    def gone(what: str, ctx: RunContext) -> None:
        result.not_found.append(what)
        pending.remove(what)
        ctx.say(f"Already gone: {what}")

    def mark(ctx: RunContext) -> None:
        if others:
            ctx.say(f"Left alone, not this VCH's: VM {', VM '.join(others)} (moved to the parent pool with the "
                    "resource pool)")
        if record.state == marks.DELETING:
            ctx.say(f"VCH {name}: its endpoint VM is gone; removing what is left")
            return
        record.state = marks.DELETING
        for anchor in remnant.anchors:
            marks.mark(session, anchor, record)
        ctx.say(f"Marked what is left of VCH {name} as being deleted")

    def remove_containers(ctx: RunContext) -> None:
        for vm, p in containers.items():
            what = f"container VM {p.get('name', '')}"
            if p.get("runtime.powerState") == "poweredOn":
                run_task(vm.PowerOffVM_Task, f"power off {what}", what)
            run_task(vm.Destroy_Task, f"remove {what}", what)
            done(what, ctx)

    def remark(**cleared) -> None:
        """What was just removed leaves the record, so what is listed as left stays exact. Best effort."""
        for key, value in cleared.items():
            setattr(record, key, value)
        for anchor in remnant.anchors:
            try:
                marks.mark(session, anchor, record)
            except VicError:
                return

    def remove_files(ctx: RunContext, paths: list[str], label: str) -> None:
        for path in paths:
            what = f"{label} {path}"
            if delete_path(session, dc, path):
                done(what, ctx)
            else:
                gone(what, ctx)
        remark(**({"volumes": []} if label.startswith("volume") else {"files": ""}))

    def remove_group(ctx: RunContext) -> None:
        remove_vm_group(cluster, group)
        done(f"DRS VM group {group}", ctx)
        remark(group="", cluster="")

    def remove_folder(ctx: RunContext) -> None:
        run_task(remnant.folder.Destroy_Task, "remove the VM folder", remnant.folder_path)
        done(f"VM folder {remnant.folder_path}", ctx)

    def remove_pool(ctx: RunContext) -> None:
        run_task(remnant.pool.Destroy_Task, "remove the resource pool", remnant.pool_path)
        done(f"resource pool {remnant.pool_path}", ctx)

    plan_steps = [Step("Mark the VCH as being deleted", mark)]
    if containers:
        plan_steps.append(Step("Remove containers", remove_containers))
    if record.volumes:
        plan_steps.append(Step("Remove volume stores",
                               lambda ctx: remove_files(ctx, record.volumes, "volume store folder")))
    if group:
        plan_steps.append(Step("Remove DRS VM group", remove_group))
    if record.files:
        plan_steps.append(Step("Remove datastore files",
                               lambda ctx: remove_files(ctx, [record.files], "datastore folder")))
    if remnant.folder is not None:
        plan_steps.append(Step("Remove VM folder", remove_folder))
    if remnant.pool is not None:
        plan_steps.append(Step("Remove resource pool", remove_pool))
    try:
        ctx = RunContext(cancel_event=cancel_event) if cancel_event is not None else RunContext()
        Plan(f"Delete what is left of VCH {name}", plan_steps).execute(ctx, sink)
    except OperationFailed as exc:
        raise DeleteFailed(exc.step, exc.cause, result.removed, pending, retry=retry_hint) from exc
    return result


def _datacenter_of(session: Session, obj) -> vim.Datacenter | None:
    while obj is not None and not isinstance(obj, vim.Datacenter):
        obj = retrieve_objects(session.content, [obj], ["parent"]).get(obj, {}).get("parent")
    return obj


__all__ = ["BEING_CREATED", "BEING_DELETED", "INCOMPLETE", "Remnant", "delete_remnant", "find"]
