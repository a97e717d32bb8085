"""The steps of ``upgrade`` and ``rollback``, and what an upgrade changes on a VCH.

An upgrade changes three things on the endpoint VM: the CD-ROM's ISO, the alternate guest name (VIC stamps the
version there) and a few configuration keys (the build, the bootstrap image path, each component's ``started``).
``Previous`` records their values before the upgrade in the upgrade snapshot's description, so the old state can
be put back by hand as well as by reverting: vSphere restores a VM's configuration on revert, govmomi's simulator
does not, and a VCH snapshotted by VIC 1.5 itself has no such record (then the revert alone does it).

Steps share one ``UpgradeJob``; each registers how to undo what it did. The snapshot's undo is the recovery:
revert, put the previous state back, power on and wait, so any failure after it leaves the VCH running as it was.
"""

from __future__ import annotations

import copy
import json
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field

from pyVmomi import vim

from vic_machine.certs import CertBundle
from vic_machine.errors import Cancelled, VicError
from vic_machine.extraconfig import decode, encode, read_extra_config
from vic_machine.extraconfig.executor import Build
from vic_machine.extraconfig.keys import BASE_PREFIX, SECRET_KEY_KEY, UPDATE_STATUS_KEY, is_secret
from vic_machine.extraconfig.secret import SecretKey
from vic_machine.extraconfig.vch_config import VchConfig
from vic_machine.iso import IsoInfo
from vic_machine.operations.ls import VchSummary
from vic_machine.operations.plan import RunContext
from vic_machine.operations.upload import upload_file
from vic_machine.operations.vch_config_builder import PLUGIN_VERSION, alternate_guest_name
from vic_machine.operations.wait import MAX_POLL_SECONDS, POLL_SECONDS, REQUEST_TIMEOUT, VchNotReady
from vic_machine.operations.wait import read_config, wait_for_vch
from vic_machine.vsphere import vm_spec
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.snapshots import walk_snapshots
from vic_machine.vsphere.tasks import run_task

UPGRADE_PREFIX = "upgrade for"
# Keys the guest writes (read-write scope): never restored from a record, the guest rewrites them when it boots.
GUEST_WRITTEN_PREFIX = BASE_PREFIX + "."
_DESCRIPTION_HEAD = "vic-plugin upgrade snapshot; previous state:"
# Any fixed key: two encodings made with it are compared, and secret keys are left out of the comparison.
_DIFF_KEY = SecretKey(bytes(32))


@dataclass
class Previous:
    """The values an upgrade replaces: the ISO, the alternate guest name and configuration keys ("" = absent)."""

    iso: str
    guest_name: str
    keys: dict[str, str] = field(default_factory=dict)
    version: str = ""

    def to_description(self) -> str:
        return f"{_DESCRIPTION_HEAD}\n" + json.dumps(
            {"iso": self.iso, "guest_name": self.guest_name, "keys": self.keys, "version": self.version},
            sort_keys=True)

    @classmethod
    def from_description(cls, text: str | None) -> Previous | None:
        """The record in a snapshot's description; None for a snapshot made by anyone else (VIC 1.5 itself)."""
        if not text or not text.startswith(_DESCRIPTION_HEAD):
            return None
        try:
            data = json.loads(text[len(_DESCRIPTION_HEAD):])
            return cls(iso=str(data["iso"]), guest_name=str(data["guest_name"]),
                       keys={str(k): str(v) for k, v in data["keys"].items()}, version=str(data.get("version", "")))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


@dataclass
class VmState:
    """The endpoint VM as an upgrade needs it, read in one round trip."""

    extra: dict[str, str]
    power: str
    vmx: str
    cdrom: vim.vm.device.VirtualCdrom | None
    guest_name: str
    snapshots: list[vim.vm.SnapshotTree]
    current_snapshot: vim.vm.Snapshot | None

    @property
    def datastore(self) -> str:
        return self.vmx[1:].split("]", 1)[0] if self.vmx.startswith("[") else ""

    @property
    def vm_dir(self) -> str:
        return self.vmx.split("] ", 1)[-1].rsplit("/", 1)[0] if "] " in self.vmx else ""

    @property
    def iso(self) -> str:
        backing = getattr(self.cdrom, "backing", None)
        return getattr(backing, "fileName", "") or ""

    @property
    def config(self) -> VchConfig:
        return decode(self.extra)


def read_vm(session: Session, vm: vim.VirtualMachine) -> VmState:
    """The VM's extraConfig, power state, files, CD-ROM, guest name and snapshot tree."""
    props = retrieve_objects(session.content, [vm], [
        "config.extraConfig", "runtime.powerState", "config.files.vmPathName", "config.hardware.device",
        "config.alternateGuestName", "snapshot"]).get(vm, {})
    cdroms = [d for d in props.get("config.hardware.device") or [] if isinstance(d, vim.vm.device.VirtualCdrom)]
    snapshot = props.get("snapshot")
    return VmState(extra=read_extra_config(props.get("config.extraConfig") or []),
                   power=str(props.get("runtime.powerState", "")), vmx=props.get("config.files.vmPathName", ""),
                   cdrom=cdroms[0] if cdroms else None, guest_name=props.get("config.alternateGuestName", ""),
                   snapshots=list(getattr(snapshot, "rootSnapshotList", None) or []),
                   current_snapshot=getattr(snapshot, "currentSnapshot", None))


def upgrade_snapshots(state: VmState) -> list[vim.vm.SnapshotTree]:
    """The VCH's upgrade snapshots ("upgrade for …"), oldest first."""
    return [t for t in walk_snapshots(state.snapshots) if t.name.startswith(UPGRADE_PREFIX)]


def snapshot_name(iso: IsoInfo) -> str:
    """VIC's name for the snapshot taken before upgrading to ``iso``: "upgrade for <build number>"."""
    return f"{UPGRADE_PREFIX} {iso.build}".strip()


def _public(stored: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in stored.items() if not is_secret(k) and k != SECRET_KEY_KEY}


def _diff(stored: dict[str, str], change) -> dict[str, str]:
    """The keys that change when ``change`` is applied to the decoded configuration (secrets never touched)."""
    before = decode(_public(stored))
    after = copy.deepcopy(before)
    change(after)
    old, new = encode(before, _DIFF_KEY), encode(after, _DIFF_KEY)
    out = {k: v for k, v in new.items() if old.get(k) != v and stored.get(k) != v}
    out.update({k: "" for k in old.keys() - new.keys() if k in stored})
    return {k: v for k, v in out.items() if not is_secret(k) and k != SECRET_KEY_KEY}


def not_started(stored: dict[str, str]) -> dict[str, str]:
    """Each component's ``started`` reset, so a wait after power-on waits for this boot (VIC does the same)."""

    def reset(config: VchConfig) -> None:
        for session in config.executor.sessions.values():
            session.started = ""

    return _diff(stored, reset)


def version_changes(stored: dict[str, str], iso: IsoInfo, bootstrap_path: str) -> dict[str, str]:
    """The configuration keys rewritten for ``iso``'s version: the build and the bootstrap image path."""

    def rewrite(config: VchConfig) -> None:
        old = config.executor.version
        config.executor.version = Build(version=iso.version, git_commit=iso.commit, build_number=iso.build,
                                        build_date=old.build_date if old else "", state=old.state if old else "",
                                        plugin_version=old.plugin_version if old else PLUGIN_VERSION)
        config.container.bootstrap_image_path = bootstrap_path

    return _diff(stored, rewrite)


def plan_changes(state: VmState, appliance: IsoInfo, bootstrap: IsoInfo) -> tuple[str, str, dict[str, str], Previous]:
    """(new ISO path, new guest name, keys to write, the record of what they replace) for upgrading to the ISOs."""
    datastore, vm_dir = state.config.image_datastore or state.datastore, state.vm_dir
    iso_path = f"[{datastore}] {vm_dir}/{appliance.datastore_name('appliance')}"
    bootstrap_path = f"[{datastore}] {vm_dir}/{bootstrap.datastore_name('bootstrap')}"
    keys = version_changes(state.extra, appliance, bootstrap_path)
    record = {k: state.extra.get(k, "") for k in keys if not k.startswith(GUEST_WRITTEN_PREFIX)}
    keys.update(not_started(state.extra))
    previous = Previous(iso=state.iso, guest_name=state.guest_name, keys=record, version=state.config.version)
    return iso_path, alternate_guest_name(appliance), keys, previous


def lock_value(locked: bool) -> dict[str, str]:
    """The ``UpdateInProgress`` entry: "true", or removed (absent reads as not in progress, as in VIC)."""
    return {UPDATE_STATUS_KEY: "true" if locked else ""}


def vch_files(vch: VchSummary, state: VmState) -> tuple[str, str]:
    """(datastore, folder) holding the VCH's own files."""
    return vch.config.image_datastore or state.datastore, state.vm_dir


# --- the steps -------------------------------------------------------------------------------------------------


@dataclass
class UpgradeJob:
    """Inputs of one upgrade and what its steps learn or make."""

    session: Session
    vch: VchSummary
    state: VmState
    datacenter: vim.Datacenter
    datacenter_name: str
    timeout: float
    cancel_event: threading.Event
    certs: CertBundle | None = None
    appliance: IsoInfo | None = None
    bootstrap: IsoInfo | None = None
    # Made by the steps:
    snapshot: vim.vm.Snapshot | None = None
    previous: Previous | None = None
    touched: bool = False  # the VM was powered off or changed after the snapshot
    notes: list[str] = field(default_factory=list)

    @property
    def vm(self) -> vim.VirtualMachine:
        return self.vch.vm

    @property
    def name(self) -> str:
        return self.vch.name

    def task(self, start, action: str) -> object:
        return run_task(start, action, self.name, cancel_event=self.cancel_event)

    def reconfigure(self, action: str, keys: dict[str, str], iso: str = "", guest_name: str = "") -> None:
        """One ReconfigVM: extraConfig keys, and the CD-ROM's ISO and the guest name when given."""
        spec = vm_spec.extra_config_spec(keys)
        if guest_name:
            spec.alternateGuestName = guest_name
        cdrom = self.state.cdrom
        if iso and cdrom is not None:
            device = copy.copy(cdrom)
            device.backing = vim.vm.device.VirtualCdrom.IsoBackingInfo(fileName=iso)
            spec.deviceChange = [vim.vm.device.VirtualDeviceSpec(operation="edit", device=device)]
        run_task(lambda: self.vm.ReconfigVM_Task(spec=spec), action, self.name)

    def power(self, on: bool) -> None:
        state = read_vm(self.session, self.vm).power
        if on and state != "poweredOn":
            run_task(self.vm.PowerOnVM_Task, "power on the endpoint VM", self.name)
        elif not on and state == "poweredOn":
            run_task(self.vm.PowerOffVM_Task, "power off the endpoint VM", self.name)


def set_lock(job: UpgradeJob, ctx: RunContext) -> None:
    job.reconfigure("mark the VCH as being upgraded", lock_value(True))
    ctx.on_undo(f"the upgrade mark on {job.name}",
                lambda: job.reconfigure("clear the upgrade mark", lock_value(False)),
                where=f"UpdateInProgress on endpoint VM {job.name} ({job.vm._moId})",
                remedy=f"vic-machine upgrade --reset-progress --id {job.vm._moId} clears it")
    ctx.say(f"Marked {job.name} as being upgraded (UpdateInProgress)")


def upload_isos(job: UpgradeJob, ctx: RunContext) -> None:
    datastore, vm_dir = vch_files(job.vch, job.state)
    in_use = {job.state.iso.split("] ", 1)[-1], job.vch.config.container.bootstrap_image_path.split("] ", 1)[-1]}
    for kind, info in (("appliance", job.appliance), ("bootstrap", job.bootstrap)):
        path = f"{vm_dir}/{info.datastore_name(kind)}"
        ctx.say(f"Uploading {os.path.basename(info.path)} to [{datastore}] {path}")
        upload_file(job.session, job.datacenter_name, datastore, path, info.path, job.cancel_event)
        if path not in in_use:  # a forced re-upgrade to the same build must not delete the files in use
            ctx.on_undo(f"file [{datastore}] {path}", lambda p=f"[{datastore}] {path}": delete_file(job, p),
                        where=f"in VCH {job.name}'s datastore folder",
                        remedy="remove it with the vSphere Client's datastore browser")


def delete_file(job: UpgradeJob, path: str) -> None:
    """Remove ``[datastore] path``; a file already gone is fine."""
    manager = job.session.content.fileManager
    try:
        run_task(lambda: manager.DeleteDatastoreFile_Task(name=path, datacenter=job.datacenter), f"remove {path}",
                 path)
    except VicError as exc:
        if getattr(exc, "fault", "") not in ("FileNotFound", "NotFound"):
            raise


def take_snapshot(job: UpgradeJob, ctx: RunContext) -> None:
    iso, guest_name, keys, previous = plan_changes(job.state, job.appliance, job.bootstrap)
    job.previous = previous
    name = snapshot_name(job.appliance)
    job.snapshot = job.task(lambda: job.vm.CreateSnapshot_Task(
        name=name, description=previous.to_description(), memory=False, quiesce=False),
        f"take the snapshot {name!r}")
    where = f"on endpoint VM {job.name} ({job.vm._moId})"
    # The snapshot's removal is its own undo, after the revert: a snapshot that outlives it is named as such.
    ctx.on_undo(f"upgrade snapshot {name!r} of VCH {job.name}",
                lambda: run_task(lambda: job.snapshot.RemoveSnapshot_Task(removeChildren=False),
                                 "remove the upgrade snapshot", job.name),
                where=where, remedy=f"remove it in the vSphere Client (the VM's Snapshots); until then "
                                    f"vic-machine upgrade --rollback --id {job.vm._moId} offers to return to it",
                keep_if_left="to revert the VCH to")
    ctx.on_undo(f"the upgrade of {job.name} (revert to snapshot {name!r})", lambda: recover(job, ctx), where=where,
                remedy=f"vic-machine upgrade --rollback --id {job.vm._moId} reverts to it")
    ctx.say(f"Took snapshot {name!r}")


def recover(job: UpgradeJob, ctx: RunContext) -> None:
    """Put the VCH back as it was at the snapshot, running. Never cancelled: a cancel stops forward work only."""
    if job.touched:
        run_task(lambda: job.snapshot.RevertToSnapshot_Task(suppressPowerOn=True), "revert to the snapshot",
                 job.name)
        job.power(False)
        job.state = read_vm(job.session, job.vm)
        restore(job, job.previous)
        job.power(True)
        wait_ready(job, ctx.say, cancel_event=None)


def restore(job: UpgradeJob, previous: Previous | None) -> None:
    """Write the recorded previous ISO, guest name and keys (the VM is off, so guest keys are reset too)."""
    if previous is None:
        return
    keys = {**previous.keys, **not_started(job.state.extra)}
    job.reconfigure("restore the previous configuration", keys, previous.iso, previous.guest_name)


def power_off(job: UpgradeJob, ctx: RunContext) -> None:
    job.touched = True
    job.power(False)
    ctx.say(f"Powered off {job.name}")


def switch_version(job: UpgradeJob, ctx: RunContext) -> None:
    job.state = read_vm(job.session, job.vm)
    iso, guest_name, keys, _ = plan_changes(job.state, job.appliance, job.bootstrap)
    job.reconfigure("switch the ISO and configuration", keys, iso, guest_name)
    ctx.say(f"Boots from {iso} now; configuration rewritten for {job.appliance.tag}")


def power_on(job: UpgradeJob, ctx: RunContext) -> None:
    job.power(True)
    ctx.say(f"Powered on {job.name}")


def wait_step(job: UpgradeJob, ctx: RunContext) -> None:
    ip = wait_ready(job, ctx.say)
    ctx.say(f"{job.name} is up on {ip}")


_FORWARD = object()


def wait_ready(job: UpgradeJob, say, cancel_event=_FORWARD) -> str:
    """Wait for the guest's keys and the Docker API, as create does.

    Under --tlsverify without the client certificate (vCenter never holds its key) the API cannot be asked
    anything; then a TLS server answering on the Docker port, after every component said it started, counts.

    :param cancel_event: what cancels the wait: the job's own by default; None (undo) for nothing.
    """
    cancel = job.cancel_event if cancel_event is _FORWARD else cancel_event
    config = read_config(job.session, job.vm)
    certs = job.certs
    if not (config.client_verification and (certs is None or not certs.client_cert)):
        ip, _ = wait_for_vch(job.session, job.vm, certs, job.timeout, cancel, say=say)
        return str(ip)
    deadline = time.monotonic() + job.timeout
    delay = POLL_SECONDS
    while True:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        config = read_config(job.session, job.vm)
        failed = {n: s for n, s in config.component_states.items() if s not in ("", "true")}
        if failed:
            raise VchNotReady("VCH components failed to start (" + "; ".join(f"{n}: {s}" for n, s in failed.items())
                              + ")", remedy="Look at the VCH's logs through its admin portal (port 2378)")
        if config.client_ip is not None and config.components_started and \
                _tls_listening(str(config.client_ip), config.docker_port):
            return str(config.client_ip)
        if time.monotonic() > deadline:
            raise VchNotReady(f"The VCH did not come up within {job.timeout:g} s",
                              remedy="Check the endpoint VM's console in the vSphere Client, or raise --timeout")
        time.sleep(delay)
        delay = min(delay * 1.5, MAX_POLL_SECONDS)


def _tls_listening(host: str, port: int) -> bool:
    """True when a TLS server answers on host:port (refusing us for want of a client certificate is an answer)."""
    context = ssl._create_unverified_context()  # noqa: S323 - only asking whether anything speaks TLS there
    try:
        with socket.create_connection((host, port), timeout=REQUEST_TIMEOUT) as raw:
            with context.wrap_socket(raw) as tls:
                tls.settimeout(0.5)
                try:
                    tls.recv(1)
                except (TimeoutError, socket.timeout):
                    pass
        return True
    except ssl.SSLError:
        return True
    except OSError:
        return False


def finish(job: UpgradeJob, ctx: RunContext) -> None:
    """Keep only the newest upgrade snapshot (the one --rollback returns to) and clear the mark."""
    state = read_vm(job.session, job.vm)
    for tree in upgrade_snapshots(state):
        if job.snapshot is not None and tree.snapshot._moId == job.snapshot._moId:
            continue
        try:
            run_task(lambda t=tree: t.snapshot.RemoveSnapshot_Task(removeChildren=False),
                     f"remove the older snapshot {tree.name!r}", job.name)
            ctx.say(f"Removed the older snapshot {tree.name!r}")
        except VicError as exc:
            ctx.warn(f"The older upgrade snapshot {tree.name!r} of VCH {job.name} ({job.vm._moId}) could not be "
                     f"removed: {exc}. Remove it in the vSphere Client (the VM's Snapshots)")
    ctx.forget_undo()
    try:
        job.reconfigure("clear the upgrade mark", lock_value(False))
    except VicError as exc:
        ctx.warn(f"The upgrade mark (UpdateInProgress) on VCH {job.name} ({job.vm._moId}) could not be cleared "
                 f"({exc}): run vic-machine upgrade --reset-progress --id {job.vm._moId}")
