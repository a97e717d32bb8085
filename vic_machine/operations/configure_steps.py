"""The steps of ``configure``, each undoable: lock, snapshot, power off, rewrite, power on, wait, commit.

A restart change is applied to a powered-off VM under a snapshot. On failure everything is undone newest first:
the old configuration is written back, the VM is reverted to the snapshot (real vSphere restores the
configuration from it; writing the old values first makes that certain everywhere) and powered on again.
"""

from __future__ import annotations

import copy
import socket
import threading
import time
from dataclasses import dataclass, field

from pyVmomi import vim

from vic_machine.errors import Cancelled, Conflict, VicError
from vic_machine.extraconfig import SecretKey, VchConfig, encode, secret_key_of
from vic_machine.extraconfig.codec import read_extra_config
from vic_machine.extraconfig.keys import SECRET_KEY_KEY, UPDATE_STATUS_KEY, is_secret
from vic_machine.operations import delete as deletion
from vic_machine.operations import opsuser
from vic_machine.operations.configure_change import Change, create_options_after
from vic_machine.operations.ls import VchSummary
from vic_machine.operations.plan import RunContext
from vic_machine.operations.vch_config_builder import volume_folder
from vic_machine.operations.vm_group import add_vm_group, has_vm_group, remove_vm_group
from vic_machine.operations.wait import VchNotReady, read_config
from vic_machine.vsphere import vm_spec
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.tasks import run_task

_DUMMY_KEY = SecretKey(bytes(32))  # only to compare encodings; never written
SHUTDOWN_GRACE = 2.0
OPS_PATHS = "endpoint.operations_credentials."
SNAPSHOT_DESCRIPTION = "Before vic-machine configure"


@dataclass
class ConfigureJob:
    session: Session
    vch: VchSummary
    change: Change
    old: VchConfig
    new: VchConfig
    extra: list = field(repr=False)
    timeout: float
    cancel_event: threading.Event
    was_on: bool = False
    snapshot: vim.vm.Snapshot | None = None
    pool: vim.ResourcePool | None = None

    @property
    def vm(self) -> vim.VirtualMachine:
        return self.vch.vm

    @property
    def name(self) -> str:
        return self.vch.name


def _plain(config: VchConfig) -> dict[str, str]:
    return {k: v for k, v in encode(config, _DUMMY_KEY).items()
            if not is_secret(k) and k not in (SECRET_KEY_KEY, UPDATE_STATUS_KEY)}


def config_delta(job: ConfigureJob, old: VchConfig, new: VchConfig) -> dict[str, str]:
    """The extraConfig entries that turn ``old`` into ``new`` ("" removes a key); secrets re-sealed only when one
    of them changed, with the VCH's own key."""
    before, after = _plain(old), _plain(new)
    delta = {k: v for k, v in after.items() if before.get(k) != v}
    delta.update({k: "" for k in before if k not in after})
    if (old.connection.token, old.certificate.host_certificate) != (new.connection.token,
                                                                    new.certificate.host_certificate):
        key = secret_key_of(job.extra)
        if key is None:
            raise Conflict(f"The secrets of VCH {job.name} cannot be read, so its operations user and server key "
                           "cannot be changed", remedy="Change the other settings only")
        delta.update({k: v for k, v in encode(new, key).items() if is_secret(k)})
    return delta


def write_extra(vm: vim.VirtualMachine, values: dict[str, str], what: str, name: str) -> None:
    """Set extraConfig entries of ``vm`` ("" removes one)."""
    if values:
        run_task(lambda: vm.ReconfigVM_Task(spec=vm_spec.extra_config_spec(values)), what, name)


def _write(job: ConfigureJob, values: dict[str, str], what: str) -> None:
    write_extra(job.vm, values, what, job.name)


def _power_state(job: ConfigureJob) -> str:
    return str(retrieve_objects(job.session.content, [job.vm], ["runtime.powerState"])[job.vm]
               .get("runtime.powerState", ""))


def lock(job: ConfigureJob, ctx: RunContext) -> None:
    _write(job, {UPDATE_STATUS_KEY: "true"}, "mark the VCH as being configured")
    ctx.on_undo(f"configure lock on {job.name}", lambda: _write(job, {UPDATE_STATUS_KEY: ""}, "unlock the VCH"))
    ctx.say(f"Locked {job.name} for configuration")


def snapshot(job: ConfigureJob, ctx: RunContext) -> None:
    job.was_on = _power_state(job) == "poweredOn"
    name = f"configure {time.strftime('%Y-%m-%d %H:%M:%S')}"
    job.snapshot = run_task(lambda: job.vm.CreateSnapshot_Task(name=name, description=SNAPSHOT_DESCRIPTION,
                                                               memory=False, quiesce=False),
                            "take a snapshot", job.name)
    where = f"on endpoint VM {job.name} ({job.vm._moId})"
    # Two undos, the snapshot's removal after the revert: a snapshot that outlives a revert is named as such.
    ctx.on_undo(f"snapshot {name!r} of VCH {job.name}",
                lambda: run_task(lambda: job.snapshot.RemoveSnapshot_Task(removeChildren=False),
                                 "remove the snapshot", job.name),
                where=where, remedy=f"vic-machine delete --leftovers --name {job.name} removes it, or the "
                                    "vSphere Client (the VM's Snapshots)",
                keep_if_left="to revert the VCH to")
    ctx.on_undo(f"changes to {job.name} (revert to snapshot {name!r})", lambda: _revert(job), where=where,
                remedy=f"revert the VM to snapshot {name!r} in the vSphere Client, then power it on")
    ctx.say(f"Took snapshot {name!r}")


def _revert(job: ConfigureJob) -> None:
    if _power_state(job) == "poweredOn":
        run_task(job.vm.PowerOffVM_Task, "power off the endpoint VM", job.name)
    run_task(job.snapshot.RevertToSnapshot_Task, "revert to the snapshot", job.name)
    _write(job, config_delta(job, job.new, job.old), "restore the previous configuration")
    if job.was_on:
        # Each component's "started" reset, as VIC does before a boot: the wait below then waits for this boot,
        # not for what the guest said before it was powered off.
        from vic_machine.operations.upgrade_steps import not_started

        extra = retrieve_objects(job.session.content, [job.vm], ["config.extraConfig"])[job.vm]
        _write(job, not_started(read_extra_config(extra.get("config.extraConfig") or [])),
               "reset the components' started marks")
        run_task(job.vm.PowerOnVM_Task, "power on the endpoint VM", job.name)
        # Back as it was: running. Never cancelled (this is undo).
        _wait_up(job, lambda message: None, cancellable=False)


def power_off(job: ConfigureJob, ctx: RunContext) -> None:
    if _power_state(job) == "poweredOn":
        run_task(job.vm.PowerOffVM_Task, "power off the endpoint VM", job.name, cancel_event=job.cancel_event)
        ctx.say(f"Powered off {job.name}")
        # A guest that notes its shutdown does so right away; give it a moment, so what it writes cannot land
        # after the new configuration. (VIC's appliance leaves its keys as they were: then this just times out.)
        deadline = time.monotonic() + SHUTDOWN_GRACE
        while time.monotonic() < deadline and read_config(job.session, job.vm).components_started:
            time.sleep(0.1)


def rewrite(job: ConfigureJob, ctx: RunContext) -> None:
    delta = config_delta(job, job.old, job.new)
    _write(job, delta, "rewrite the VCH configuration")
    ctx.on_undo(f"configuration of {job.name}",
                lambda: _write(job, config_delta(job, job.new, job.old), "restore the previous configuration"))
    ctx.say(f"Rewrote {len(delta)} configuration value(s)")


def update_ops_permissions(job: ConfigureJob, ctx: RunContext) -> None:
    """Move the operations user's vSphere permissions with a change of that user (or of ``grant_permissions``).

    The new user is granted the VCH's roles when ``grant_permissions`` is set (an administrator is left alone, as
    on create); what the VCH's record says was granted to the previous user is revoked, since it was granted for
    this VCH only. The record is rewritten to match. Undone by giving the old grants back, removing the new ones
    and restoring the record.
    """
    if not any(p.startswith(OPS_PATHS) for p in job.change.paths):
        return
    creds = job.change.after.endpoint.operations_credentials
    user = creds.user or ""
    recorded = read_extra_config(job.extra).get(opsuser.GRANTS_KEY) or ""
    old_user, old_grants = opsuser.decode_grants(recorded)
    wanted = bool(creds.grant_permissions and user)
    if wanted and old_grants and old_user.lower() == user.lower():
        return  # a new password only: the user keeps what it was granted
    grant_new = None
    if wanted:
        if opsuser.is_administrator(job.session, user):
            ctx.say(f"Skipped granting permissions: {user} already holds administrative privileges")
        else:
            grant_new = lambda: _grant_for_vch(job, user)
    if grant_new is None and not old_grants:
        return
    granted, revoked = opsuser.replace_user(job.session, old_user, old_grants, user, grant_new)
    ctx.on_undo(f"permissions of the operations user of {job.name}",
                lambda: opsuser.undo_replace(job.session, old_user, user, granted, revoked))
    if granted:
        ctx.say(f"Granted {user} {len(granted)} permission(s): " + ", ".join(f"{g.role} on {g.name}" for g in granted))
    if revoked:
        ctx.say(f"Removed {len(revoked)} permission(s) of {old_user}")
    record = opsuser.encode_grants(user, granted) if granted else ""
    if record != recorded:
        _write(job, {opsuser.GRANTS_KEY: record}, "record the granted permissions")
        ctx.on_undo(f"record of granted permissions on {job.name}",
                    lambda: _write(job, {opsuser.GRANTS_KEY: recorded}, "restore the record of granted permissions"))


def _grant_for_vch(job: ConfigureJob, user: str) -> list[opsuser.Grant]:
    """Grant ``user`` what the VCH needs, found on vCenter as delete finds it, with the new configuration's
    volume stores and networks."""
    found = deletion._read(job.session, job.vch)
    stores = {found.datastore} | {w[0] for w in map(volume_folder, job.new.volume_stores.values()) if w}
    refs = {e.network.common.id for e in job.new.executor.networks.values()}
    refs |= {n.common.id for n in job.new.network.container_networks.values()}
    return opsuser.grant_for_vch(
        job.session, user, datacenter=deletion._datacenter_of(job.session, job.vch), cluster=found.cluster,
        pool=found.pool, folder=found.folder, datastore_names=stores,
        network_refs=opsuser.network_names(job.session, refs), own_pool=found.pool is not None,
        vm_group=bool(job.new.container.use_vm_group))


def update_pool(job: ConfigureJob, ctx: RunContext) -> None:
    props = retrieve_objects(job.session.content, [job.vm], ["resourcePool"])[job.vm]
    pool = props["resourcePool"]
    old = retrieve_objects(job.session.content, [pool], ["config"])[pool]["config"]
    compute = job.change.after.compute
    spec = vim.ResourceConfigSpec(
        cpuAllocation=vm_spec.resource_allocation(compute.cpu.limit, compute.cpu.reservation, compute.cpu.shares),
        memoryAllocation=vm_spec.resource_allocation(compute.memory.limit, compute.memory.reservation,
                                                     compute.memory.shares))
    with vsphere_call("update the resource pool", job.name):
        pool.UpdateConfig(name=None, config=spec)
    restore = vim.ResourceConfigSpec(cpuAllocation=old.cpuAllocation, memoryAllocation=old.memoryAllocation)

    def undo() -> None:
        with vsphere_call("restore the resource pool", job.name):
            pool.UpdateConfig(name=None, config=restore)

    ctx.on_undo(f"resource pool settings of {job.name}", undo)
    ctx.say(f"Updated resource pool {job.name}: " + ", ".join(job.change.live_paths))
    if not job.change.needs_restart:
        _record_options(job, ctx)


def update_vm_group(job: ConfigureJob, ctx: RunContext) -> None:
    """``--affinity-vm-group`` turned on (a group of the VCH's VM and its containers) or off (the group removed)."""
    pool = retrieve_objects(job.session.content, [job.vm], ["resourcePool"])[job.vm]["resourcePool"]
    props = retrieve_objects(job.session.content, [pool], ["owner", "vm"])[pool]
    cluster = props.get("owner")
    if not isinstance(cluster, vim.ClusterComputeResource):
        raise VicError(f"VCH {job.name} is not in a cluster: a DRS VM group needs one",
                       remedy="leave --affinity-vm-group off for a VCH on a standalone host")
    name = job.name
    if job.change.after.compute.affinity.use_vm_group:
        if not has_vm_group(job.session, cluster, name):
            add_vm_group(cluster, name, list(props.get("vm") or []))
            ctx.on_undo(f"DRS VM group {name}", lambda: remove_vm_group(cluster, name))
            ctx.say(f"Created DRS VM group {name}")
    elif has_vm_group(job.session, cluster, name):
        members = list(props.get("vm") or [])
        remove_vm_group(cluster, name)
        ctx.on_undo(f"DRS VM group {name}", lambda: add_vm_group(cluster, name, members))
        ctx.say(f"Removed DRS VM group {name}")


def _record_options(job: ConfigureJob, ctx: RunContext) -> None:
    """Bring the stored create flags (``inspect config``) up to date after a live change.

    A restart change carries them in its rewritten configuration; a live one rewrites nothing else.
    """
    recorded = copy.copy(job.old)
    recorded.create_options = create_options_after(job.old.create_options, job.change.after)
    delta = config_delta(job, job.old, recorded)
    if not delta:
        return
    _write(job, delta, "record the new create options")
    ctx.on_undo(f"stored create options of {job.name}",
                lambda: _write(job, config_delta(job, recorded, job.old), "restore the stored create options"))


def power_on(job: ConfigureJob, ctx: RunContext) -> None:
    run_task(job.vm.PowerOnVM_Task, "power on the endpoint VM", job.name, cancel_event=job.cancel_event)
    ctx.on_undo(f"power state of {job.name}",
                lambda: run_task(job.vm.PowerOffVM_Task, "power off the endpoint VM", job.name))
    ctx.say(f"Powered on {job.name}")


def wait_ready(job: ConfigureJob, ctx: RunContext) -> None:
    """Until the guest reports its client address and started components and the Docker port accepts
    connections. (No client certificate is at hand here, so the API itself is not asked.)"""
    _wait_up(job, ctx.say, cancellable=True)


def _wait_up(job: ConfigureJob, say, cancellable: bool) -> None:
    deadline = time.monotonic() + job.timeout
    while True:
        if cancellable and job.cancel_event.is_set():
            raise Cancelled()
        config = read_config(job.session, job.vm)
        failed = {n: s for n, s in config.component_states.items() if s not in ("", "true")}
        if failed:
            raise VchNotReady("VCH components failed to start: " + "; ".join(f"{n}: {s}" for n, s in failed.items()))
        if config.client_ip is not None and config.components_started and _listening(str(config.client_ip),
                                                                                      config.docker_port):
            say(f"Docker API is listening on {config.client_ip}:{config.docker_port}")
            return
        if time.monotonic() > deadline:
            raise VchNotReady(f"The VCH did not come back within {job.timeout:g} s",
                              remedy="Check the endpoint VM's console in the vSphere Client")
        time.sleep(0.2)


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def commit(job: ConfigureJob, ctx: RunContext) -> None:
    """Success: nothing is to be undone any more; drop the snapshot (and any an earlier configure could not
    remove) and the lock. A snapshot that cannot be removed ends the configure with a warning naming it."""
    ctx.forget_undo()
    # The change is in place: what cannot be cleaned up from here on is a warning naming it, never a failure.
    try:
        _write(job, {UPDATE_STATUS_KEY: ""}, "unlock the VCH")
    except VicError as exc:
        ctx.warn(f"The configure mark (UpdateInProgress) on VCH {job.name} ({job.vm._moId}) could not be cleared "
                 f"({exc}): run vic-machine configure --reset-progress --id {job.vm._moId}")
    from vic_machine.vsphere.snapshots import walk_snapshots

    try:
        props = retrieve_objects(job.session.content, [job.vm], ["snapshot"])[job.vm]
    except VicError as exc:
        if job.snapshot is not None:
            ctx.warn(f"Could not remove the snapshot of VCH {job.name} ({job.vm._moId}) taken for this configure: "
                     f"{exc}. Run vic-machine delete --leftovers --name {job.name}, or remove it in the vSphere "
                     "Client (the VM's Snapshots)")
        return
    trees = walk_snapshots(list(getattr(props.get("snapshot"), "rootSnapshotList", None) or []))
    ours = [t for t in trees if t.description == SNAPSHOT_DESCRIPTION]
    for tree in ours:
        this = job.snapshot is not None and tree.snapshot._moId == job.snapshot._moId
        try:
            run_task(lambda t=tree: t.snapshot.RemoveSnapshot_Task(removeChildren=False), "remove the snapshot",
                     job.name)
        except VicError as exc:  # the change is in place; the snapshot is left, and said
            ctx.warn(f"Could not remove snapshot {tree.name!r} of VCH {job.name} ({job.vm._moId}): {exc}. Remove "
                     f"it in the vSphere Client (the VM's Snapshots), or run vic-machine delete --leftovers --name "
                     f"{job.name}")
            continue
        ctx.say("Removed the snapshot" if this else f"Removed snapshot {tree.name!r}, left by an earlier configure")
