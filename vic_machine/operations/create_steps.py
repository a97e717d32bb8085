"""The steps of ``create``, each doing one thing on vCenter and registering how to undo it.

Steps share one ``CreateJob``: its inputs (session, resolved placement, configuration, certificates, ISOs) and
what earlier steps made (pool, folder, VM, its folder on the datastore). Messages never hold secrets.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pyVmomi import vim

from vic_machine.certs import CertBundle
from vic_machine.errors import VicError
from vic_machine.esxi import bridge as esxi_bridge
from vic_machine.extraconfig import SecretKey, VchConfig, encode
from vic_machine.iso import CheckedIsos
from vic_machine.operations import marks, opsuser
from vic_machine.operations import vch_config_builder as builder
from vic_machine.operations.placement import Resolved
from vic_machine.operations.plan import RunContext
from vic_machine.operations.upload import upload_bytes, upload_file
from vic_machine.operations.vm_group import add_vm_group, has_vm_group, remove_vm_group
from vic_machine.operations.wait import wait_for_vch
from vic_machine.spec.model import VchSpec
from vic_machine.vsphere import vm_spec
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import fault_name, vsphere_call
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.tasks import run_task, wait_for_task

log = logging.getLogger("vic_machine.create")


@dataclass
class CreateJob:
    session: Session
    spec: VchSpec
    resolved: Resolved
    config: VchConfig
    certs: CertBundle
    isos: CheckedIsos
    timeout: float
    cancel_event: threading.Event
    cert_dir: str | None = None
    secret_key: SecretKey = field(default_factory=SecretKey.generate)
    # Made by the steps:
    pool: vim.ResourcePool | None = None
    folder: vim.Folder | None = None
    vm: vim.VirtualMachine | None = None
    vm_dir: str = ""
    client_ip: str = ""
    docker_info: dict = field(default_factory=dict)
    cert_files: list[str] = field(default_factory=list)
    log_lines: list[str] = field(default_factory=list)
    log_path: str = ""
    notes: list[str] = field(default_factory=list)
    # What the marked pool and folder say about this VCH (``marks``), kept up to date as pieces are made.
    record: marks.Record | None = None
    anchors: list = field(default_factory=list)
    marks_failed: bool = False
    # Run before the create is marked finished (the plug-in server keeps the client certificate bundle here).
    keep_bundle: object = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def datastore(self) -> str:
        return self.resolved.placement.image_datastore

    @property
    def datacenter(self) -> str:
        return self.resolved.placement.datacenter

    def say(self, ctx: RunContext, message: str) -> None:
        self.log_lines.append(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {message}")
        log.info(message)
        ctx.say(message)

    def encoded(self) -> dict[str, str]:
        return encode(self.config, self.secret_key)


def _destroy(obj, what: str) -> None:
    run_task(obj.Destroy_Task, f"remove {what}", what)


def _delete_file(job: CreateJob, path: str, what: str) -> None:
    """Delete ``[datastore] path``; a file already gone is fine (the VM's own removal may have taken it)."""
    manager = job.session.content.fileManager
    try:
        run_task(lambda: manager.DeleteDatastoreFile_Task(name=f"[{job.datastore}] {path}",
                                                          datacenter=job.resolved.datacenter), f"remove {what}", what)
    except VicError as exc:
        if getattr(exc, "fault", "") not in ("FileNotFound", "NotFound"):
            raise


def _mark(job: CreateJob, ctx: RunContext, only=None) -> None:
    """Write the job's record on its marked pool and folder (``only``: that one); best effort, warned once."""
    if job.marks_failed:
        return
    for anchor in [only] if only is not None else job.anchors:
        try:
            marks.mark(job.session, anchor, job.record)
        except VicError as exc:
            job.marks_failed = True
            job.notes.append(f"The resource pool and VM folder of {job.name} could not be marked as its own "
                             f"({exc}): if a later delete of it stops half way, what is left is not listed")
            log.warning("cannot mark %s: %s", job.name, exc)
            return


def _remedy(job: CreateJob) -> str:
    if job.resolved.esxi:
        return "remove it with the ESXi host client's datastore browser"
    return (f"vic-machine delete --name {job.name} removes what is left" if job.record is not None and
            not job.marks_failed else "remove it with the vSphere Client's datastore browser")


def _anchor(job: CreateJob, ctx: RunContext, obj, what: str, where: str) -> None:
    """``obj`` (the pool or folder just made) marked as the VCH's; its undo kept while anything else is left.

    An ESXi host has no custom attributes to mark with: nothing is marked there, and what an undo leaves is to
    be removed in the host client."""
    if job.resolved.esxi:
        job.marks_failed = True
        ctx.on_undo(f"{what} {job.name}", lambda: _destroy(obj, f"{what} {job.name}"), where=where,
                    remedy=f"remove it in the ESXi host client", anchor=True)
        return
    if job.record is None:
        job.record = marks.Record(vch=job.name)
    job.anchors.append(obj)
    ctx.on_undo(f"{what} {job.name}", lambda: _destroy(obj, f"{what} {job.name}"), where=where,
                remedy=f"vic-machine delete --name {job.name} removes what is left", anchor=True)
    _mark(job, ctx, obj)


def create_pool(job: CreateJob, ctx: RunContext) -> None:
    if not job.resolved.create_pool:
        job.pool = job.resolved.parent_pool
        job.notes.append("DRS is disabled: the VCH goes in the cluster's own pool, without limits")
        job.say(ctx, "DRS is disabled: no resource pool of its own, limits are not applied")
    else:
        compute = job.spec.compute
        spec = vim.ResourceConfigSpec(
            cpuAllocation=vm_spec.resource_allocation(compute.cpu.limit, compute.cpu.reservation, compute.cpu.shares),
            memoryAllocation=vm_spec.resource_allocation(compute.memory.limit, compute.memory.reservation,
                                                         compute.memory.shares))
        with vsphere_call("create the resource pool", job.name):
            job.pool = job.resolved.parent_pool.CreateResourcePool(name=job.name, spec=spec)
        _anchor(job, ctx, job.pool, "resource pool", f"in {job.resolved.placement.compute_path}")
        job.say(ctx, f"Created resource pool {job.name}")
    job.config = builder.with_pool(job.config, job.pool._moId)


def create_bridge(job: CreateJob, ctx: RunContext) -> None:
    """On an ESXi host: the bridge network's switch and port group, as 1.5.8 makes them when none exists."""
    name, host = job.resolved.bridge_to_create, job.resolved.host
    network = esxi_bridge.create(job.session, host, name)
    ctx.on_undo(f"bridge network {name}", lambda: esxi_bridge.remove(job.session, host, name),
                where=f"on host {job.resolved.placement.compute_path}",
                remedy="remove the port group and virtual switch in the ESXi host client (Networking)")
    ref = builder.NetworkRef(ref=f"Network:{network._moId}", name=name)
    placement = job.resolved.placement
    job.resolved.placement = dataclasses.replace(placement, networks={**placement.networks, builder.BRIDGE: ref})
    job.resolved.backings[ref.ref] = vm_spec.NicBacking(network=network, name=name)
    job.config = builder.with_bridge(job.config, ref)
    job.say(ctx, f"Created virtual switch {name} and port group {name} for the bridge network")


def create_folder(job: CreateJob, ctx: RunContext) -> None:
    with vsphere_call("create the VM folder", job.name):
        job.folder = job.resolved.vm_folder.CreateFolder(name=job.name)
    _anchor(job, ctx, job.folder, "VM folder", f"in the VM folder of {job.datacenter}")
    job.say(ctx, f"Created VM folder {job.name}")


def create_vm(job: CreateJob, ctx: RunContext) -> None:
    placement = job.resolved.placement
    slots = builder.nic_slots(placement.networks)
    nics = [(job.resolved.backings[ref], slot) for ref, slot in slots.items()]
    spec = vm_spec.endpoint_vm_spec(
        name=job.name, datastore=job.datastore, cpus=job.spec.endpoint.cpu.sockets,
        memory_mb=job.spec.endpoint.memory, alternate_guest_name=builder.alternate_guest_name(job.isos.appliance),
        nics=nics, extra_config={**job.encoded(), marks.STATE_KEY: marks.CREATING})
    # On an ESXi host there is no VM folder of the VCH's own: the host's VM folder holds the VM.
    folder = job.folder or job.resolved.vm_folder
    with vsphere_call("create the endpoint VM", job.name):
        task = folder.CreateVM_Task(config=spec, pool=job.pool)
    # Undone from the task itself: a cancel, or a failed read of the task's state, may leave its VM unknown here.
    ctx.on_undo(f"endpoint VM {job.name}", lambda: _remove_created_vm(job, task),
                where=f"in VM folder {job.name}" if job.folder else "in the host's VM folder",
                remedy=f"vic-machine delete --name {job.name} removes it (it is listed as being created)")
    job.vm = wait_for_task(task, "create the endpoint VM", job.name, cancel_event=job.cancel_event)
    vm = job.vm
    props = retrieve_objects(job.session.content, [vm], ["config.files.vmPathName", "config.hardware.device"])[vm]
    vmx = props["config.files.vmPathName"]  # "[ds] dir/name.vmx": the folder may differ from the name
    job.vm_dir = vmx.split("] ", 1)[-1].rsplit("/", 1)[0]
    if job.record is not None:
        job.record.id = job.record.vm = vm._moId
        job.record.files = f"[{job.datastore}] {job.vm_dir}"
        _mark(job, ctx)
    ide = next(d.key for d in props["config.hardware.device"] if isinstance(d, vim.vm.device.VirtualIDEController)
               and len(d.device or []) < 2)
    job.config = builder.with_vm_folder(job.config, job.vm_dir, job.isos.bootstrap)
    iso = f"[{job.datastore}] {job.vm_dir}/{job.isos.appliance.datastore_name('appliance')}"
    media = vm_spec.media_spec(ide, iso, f"[{job.datastore}] {job.vm_dir}/tether.debug",
                               {**job.encoded(), marks.STATE_KEY: marks.CREATING})
    run_task(lambda: vm.ReconfigVM_Task(spec=media), "configure the endpoint VM", job.name,
             cancel_event=job.cancel_event)
    job.say(ctx, f"Created endpoint VM {job.name} ({vm._moId}) in [{job.datastore}] {job.vm_dir}")


def _remove_created_vm(job: CreateJob, task: vim.Task) -> None:
    """Remove the VM ``task`` (CreateVM_Task) made, once it ended: none if it failed."""
    vm = job.vm
    if vm is None:
        try:
            vm = wait_for_task(task, "create the endpoint VM", job.name, timeout=300)
        except VicError:
            return  # the task failed: no VM was made
    _remove_vm(job, vm)


def _remove_vm(job: CreateJob, vm: vim.VirtualMachine) -> None:
    state = retrieve_objects(job.session.content, [vm], ["runtime.powerState"]).get(vm, {}).get("runtime.powerState")
    if state == "poweredOn":
        run_task(vm.PowerOffVM_Task, "power off the endpoint VM", job.name)
    _destroy(vm, f"endpoint VM {job.name}")
    # Destroying a VM removes its own files; what we put beside them (ISOs, logs) may stay: remove the folder.
    if job.vm_dir:
        _delete_file(job, job.vm_dir, f"folder [{job.datastore}] {job.vm_dir}")


def upload_isos(job: CreateJob, ctx: RunContext) -> None:
    for kind, info in (("appliance", job.isos.appliance), ("bootstrap", job.isos.bootstrap)):
        path = f"{job.vm_dir}/{info.datastore_name(kind)}"
        job.say(ctx, f"Uploading {os.path.basename(info.path)} to [{job.datastore}] {path}")
        upload_file(job.session, job.datacenter, job.datastore, path, info.path, job.cancel_event)
        ctx.on_undo(f"file [{job.datastore}] {path}", lambda p=path: _delete_file(job, p, f"[{job.datastore}] {p}"),
                    where=f"in VCH {job.name}'s datastore folder", remedy=_remedy(job))


def create_volume_stores(job: CreateJob, ctx: RunContext) -> None:
    manager = job.session.content.fileManager
    for label, url in job.config.volume_stores.items():
        where = builder.volume_folder(url)
        if where is None:
            job.say(ctx, f"Volume store {label} is on NFS: the VCH mounts it itself")
            continue
        datastore, folder = where
        parts = [p for p in folder.split("/") if p]
        # One level at a time, so undo removes exactly the folders this run made and none that existed.
        for depth in range(1, len(parts) + 1):
            path = f"[{datastore}] {'/'.join(parts[:depth])}"
            try:
                with vsphere_call("create the volume store folder", path):
                    manager.MakeDirectory(name=path, datacenter=job.resolved.datacenter,
                                          createParentDirectories=False)
            except VicError as exc:
                if getattr(exc, "fault", "") == "FileAlreadyExists":
                    continue
                raise
            ctx.on_undo(f"folder {path}", lambda p=path: _delete_path(job, p), where=f"volume store {label}",
                        remedy=_remedy(job))
            if job.record is not None:
                # Made by this create: what is left of it, should its undo fail, includes it. Cleared once the
                # create finished (a VCH's volume stores are removed only when a delete is asked to).
                job.record.volumes.append(path)
                _mark(job, ctx)
        job.say(ctx, f"Volume store {label}: [{datastore}] {folder}")


def _delete_path(job: CreateJob, path: str) -> None:
    manager = job.session.content.fileManager
    run_task(lambda: manager.DeleteDatastoreFile_Task(name=path, datacenter=job.resolved.datacenter),
             f"remove {path}", path)


def save_certificates(job: CreateJob, ctx: RunContext) -> None:
    if job.certs.mode == "no-tls":
        job.say(ctx, "TLS is off (--no-tls): no certificates")
        return
    if not job.cert_dir:
        job.say(ctx, "Certificates generated; they are handed back with the result")
        return
    directory = Path(job.cert_dir).expanduser().resolve()
    existed = directory.exists()
    written = job.certs.write(directory, job.name)
    job.cert_files = [str(p) for p in written]

    def remove() -> None:
        for path in written:
            Path(path).unlink(missing_ok=True)
        if not existed:
            directory.rmdir()

    ctx.on_undo(f"certificates in {directory}", remove, where="on this machine",
                remedy=f"remove the folder {directory}")
    job.say(ctx, f"Wrote the certificates to {directory}")


def grant_permissions(job: CreateJob, ctx: RunContext) -> None:
    """Give the operations user its roles on what the VCH uses; recorded on the VM so delete removes them."""
    user = job.spec.endpoint.operations_credentials.user or ""
    if opsuser.is_administrator(job.session, user):
        job.notes.append(f"{user} administers vCenter already: no permissions were granted")
        job.say(ctx, f"Skipped: {user} already holds administrative privileges")
        return
    placement = job.resolved.placement
    stores = {job.datastore} | {w[0] for w in map(builder.volume_folder, job.config.volume_stores.values()) if w}
    nets = {ref.name: ref.ref for ref in (*placement.networks.values(), *placement.container_networks.values())}
    created: list[str] = []
    grants = opsuser.grant_for_vch(
        job.session, user, datacenter=job.resolved.datacenter, cluster=job.resolved.cluster, pool=job.pool,
        folder=job.folder, datastore_names=stores, network_refs=nets, own_pool=job.resolved.create_pool,
        vm_group=job.spec.compute.affinity.use_vm_group, created=created)

    def undo() -> None:
        opsuser.revoke(job.session, user, grants)
        opsuser.remove_roles_if_unused(job.session, created)

    ctx.on_undo(f"permissions of {user}", undo, where="on the VCH's objects, its datastores and networks",
                remedy="remove them in the vSphere Client (the object's Permissions tab)")
    record = vm_spec.extra_config_spec({opsuser.GRANTS_KEY: opsuser.encode_grants(user, grants)})
    run_task(lambda: job.vm.ReconfigVM_Task(spec=record), "record the granted permissions", job.name)
    job.say(ctx, f"Granted {user} {len(grants)} permission(s): " + ", ".join(f"{g.role} on {g.name}" for g in grants))


def create_vm_group(job: CreateJob, ctx: RunContext) -> None:
    cluster = job.resolved.cluster
    if job.record is not None:  # recorded first: a failed read of the task's state may leave the group unknown
        job.record.group, job.record.cluster = job.name, cluster._moId
        _mark(job, ctx)

    ours = {"made": None}  # None: unknown (the task's state could not be read)

    def undo() -> None:
        if ours["made"] is not False and has_vm_group(job.session, cluster, job.name):
            remove_vm_group(cluster, job.name)

    ctx.on_undo(f"DRS VM group {job.name}", undo, where=f"on cluster {job.resolved.placement.compute_path}",
                remedy=f"vic-machine delete --name {job.name} removes what is left")
    try:
        add_vm_group(cluster, job.name, [job.vm])
    except VicError as exc:
        if getattr(exc, "fault", "") in ("DuplicateName", "InvalidArgument", "AlreadyExists"):
            ours["made"] = False  # refused: whatever group holds the name is not this create's
        raise
    ours["made"] = True
    job.say(ctx, f"Created DRS VM group {job.name}")


def commit_id(job: CreateJob, ctx: RunContext) -> None:
    job.config = builder.with_id(job.config, job.vm._moId)
    spec = vm_spec.extra_config_spec({"guestinfo.vice./init/common/id": job.config.vch_id})
    run_task(lambda: job.vm.ReconfigVM_Task(spec=spec), "record the VCH id", job.name, cancel_event=job.cancel_event)
    job.say(ctx, f"VCH id {job.config.vch_id}")


def power_on(job: CreateJob, ctx: RunContext) -> None:
    vm = job.vm
    run_task(vm.PowerOnVM_Task, "power on the endpoint VM", job.name, cancel_event=job.cancel_event)
    ctx.on_undo(f"power state of {job.name}",
                lambda: run_task(vm.PowerOffVM_Task, "power off the endpoint VM", job.name))
    job.say(ctx, f"Powered on {job.name}")


def wait_ready(job: CreateJob, ctx: RunContext) -> None:
    ip, info = wait_for_vch(job.session, job.vm, job.certs, job.timeout, job.cancel_event,
                            say=lambda m: job.say(ctx, m))
    job.client_ip, job.docker_info = str(ip), info
    job.say(ctx, f"Docker API is up on {ip} ({info.get('Name', job.name)})")


def write_log(job: CreateJob, ctx: RunContext) -> None:
    """Best effort, as VIC: a VCH that is up is not torn down because its log could not be written."""
    stamp = time.strftime("%Y-%m-%dT%H-%M-%S")
    path = f"{job.vm_dir}/vic-machine_{stamp}_create_{job.vm._moId}.log"
    try:
        upload_bytes(job.session, job.datacenter, job.datastore, path, ("\n".join(job.log_lines) + "\n").encode())
    except VicError as exc:
        job.notes.append(f"The create log could not be written: {exc}")
        ctx.say(f"Could not write the create log ({fault_name(exc)})")
        return
    job.log_path = f"[{job.datastore}] {path}"
    ctx.say(f"Wrote the create log to {job.log_path}")


def keep_bundle(job: CreateJob, ctx: RunContext) -> None:
    """The caller's keeping of the client certificates (the plug-in server's bundle); best effort: the VCH is up."""
    try:
        job.keep_bundle(job)
    except Exception as exc:  # noqa: BLE001 - the VCH is up; only the download is missing
        job.notes.append(f"The client certificate bundle could not be kept: {exc}")
        ctx.say(f"Could not keep the client certificate bundle ({exc})")
        return
    ctx.say("Kept the client certificate bundle for download")


def finish(job: CreateJob, ctx: RunContext) -> None:
    """The create is complete: the VCH stops being listed as being created."""
    run_task(lambda: job.vm.ReconfigVM_Task(spec=vm_spec.extra_config_spec({marks.STATE_KEY: ""})),
             "mark the VCH as created", job.name)
    if job.record is not None:
        job.record.state, job.record.volumes = marks.CREATED, []
        _mark(job, ctx)
    ctx.forget_undo()
    job.say(ctx, f"VCH {job.name} is ready")
