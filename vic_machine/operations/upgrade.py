"""Upgrade a VCH to the version of the ISOs at hand, roll it back, or clear a stale upgrade mark.

As VIC 1.5: the ``UpdateInProgress`` mark keeps a second upgrade or configure off the VCH; the new ISOs go into
the VCH's folder; a snapshot "upgrade for <build>" is taken; the VM is powered off, boots from the new ISO with
its configuration rewritten for the new version (build and bootstrap image path; everything else is kept), is
powered on and waited for. Any failure reverts to the snapshot and powers the VCH on again, as it was. After
success only the newest upgrade snapshot is kept, the one ``rollback`` returns to. The older ISOs stay in the
VCH's folder: the snapshot's VM configuration boots from them.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field

from pyVmomi import vim

from vic_machine.certs import CertBundle
from vic_machine.errors import Cancelled, Conflict, NotFound, OperationFailed
from vic_machine.iso import CheckedIsos
from vic_machine.operations import upgrade_steps as steps
from vic_machine.operations.ls import IN_PROGRESS, NEWER, UNKNOWN, UP_TO_DATE, VchSummary, upgrade_status
from vic_machine.operations.plan import Plan, RunContext, Sink, Step
from vic_machine.operations.upgrade_steps import Previous, UpgradeJob, read_vm, upgrade_snapshots
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.tasks import run_task


@dataclass
class UpgradeResult:
    """What was done: ``action`` is upgrade | rollback | reset-progress."""

    id: str
    name: str
    action: str
    from_version: str
    to_version: str
    snapshot: str = ""
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _refuse_locked(vch: VchSummary) -> None:
    if vch.config.update_in_progress:
        raise Conflict(f"Another upgrade or configure of VCH {vch.name} is in progress (UpdateInProgress is set)",
                       remedy="If no other upgrade or configure is running, clear the mark with --reset-progress")


def _check_version(vch: VchSummary, isos: CheckedIsos, force: bool) -> None:
    status = upgrade_status(vch.config, isos.appliance)
    if status == NEWER:
        raise Conflict(f"VCH {vch.name} is version {vch.version}, newer than the ISOs' {isos.appliance.tag}",
                       remedy="Use the ISOs of its version or newer; --rollback returns to its previous version")
    if status in (UP_TO_DATE, UNKNOWN) and not force:
        what = "is already at" if status == UP_TO_DATE else "has no recorded version to compare with"
        raise Conflict(f"VCH {vch.name} {what} version {isos.appliance.tag}",
                       remedy="Nothing to upgrade; use --force to upgrade it anyway")


def _job(session: Session, vch: VchSummary, timeout: float, cancel_event: threading.Event | None,
         certs: CertBundle | None) -> UpgradeJob:
    dc = vch.vm
    while dc is not None and not isinstance(dc, vim.Datacenter):
        dc = retrieve_objects(session.content, [dc], ["parent"]).get(dc, {}).get("parent")
    dc_name = retrieve_objects(session.content, [dc], ["name"])[dc]["name"]
    return UpgradeJob(session=session, vch=vch, state=read_vm(session, vch.vm), datacenter=dc,
                      datacenter_name=dc_name, timeout=timeout, cancel_event=cancel_event or threading.Event(),
                      certs=certs)


def _run(plan: Plan, job: UpgradeJob, sink: Sink | None) -> None:
    ctx = RunContext(cancel_event=job.cancel_event)
    try:
        plan.execute(ctx, sink)
    except KeyboardInterrupt as exc:  # between steps: the plan itself converts those inside a step
        undone, left = Plan._rollback(ctx, sink or (lambda event: None), 0, len(plan.steps))
        raise OperationFailed(plan.name, Cancelled(f"interrupted ({exc})" if str(exc) else "interrupted (Ctrl-C)"),
                              undone=undone, left=left) from exc
    job.notes += [w for w in ctx.warnings if w not in job.notes]


def upgrade(
    session: Session,
    vch: VchSummary,
    *,
    isos: CheckedIsos,
    timeout: float,
    sink: Sink | None = None,
    cancel_event: threading.Event | None = None,
    rollback: bool = False,
    reset_progress: bool = False,
    force: bool = False,
    certs: CertBundle | None = None,
) -> UpgradeResult:
    """Upgrade ``vch`` (from ``find_vch``) to the version of ``isos``.

    :param timeout: seconds to wait for the VCH to come up after power-on (and again after a revert).
    :param rollback: return to the version before the last upgrade instead (the ISOs are not used).
    :param reset_progress: only clear a stale ``UpdateInProgress`` mark, as VIC's ``--reset-progress``.
    :param force: upgrade even when the VCH is already at the ISOs' version.
    :param certs: the client certificates, to ask the Docker API itself under --tlsverify.
    :raise Conflict: the VCH is marked as being upgraded, is at that version already, or is newer.
    :raise NotFound: ``rollback`` without an upgrade snapshot.
    :raise OperationFailed: a step failed; the VCH was reverted (``undone``) or what is left is listed.
    """
    from vic_machine.operations.configure import refuse_unfinished

    refuse_unfinished(vch, "upgraded")
    if reset_progress:
        job = _job(session, vch, timeout, cancel_event, certs)
        job.reconfigure("clear the upgrade mark", steps.lock_value(False))
        return UpgradeResult(vch.id, vch.name, "reset-progress", vch.version, vch.version)
    _refuse_locked(vch)
    if rollback:
        return _rollback(session, vch, timeout, sink, cancel_event, certs)
    _check_version(vch, isos, force)
    job = _job(session, vch, timeout, cancel_event, certs)
    job.appliance, job.bootstrap = isos.appliance, isos.bootstrap
    job.notes += list(isos.warnings)

    def bind(fn):
        return lambda ctx: fn(job, ctx)

    plan = Plan(f"Upgrade VCH {vch.name} to {isos.appliance.tag}", [
        Step("Mark the VCH as being upgraded", bind(steps.set_lock)),
        Step("Upload ISOs", bind(steps.upload_isos)),
        Step("Take the upgrade snapshot", bind(steps.take_snapshot)),
        Step("Power off", bind(steps.power_off)),
        Step("Switch the ISO and configuration", bind(steps.switch_version)),
        Step("Power on", bind(steps.power_on)),
        Step("Wait for the VCH", bind(steps.wait_step)),
        Step("Clean up", bind(steps.finish)),
    ])
    _run(plan, job, sink)
    return UpgradeResult(vch.id, vch.name, "upgrade", vch.version, isos.appliance.tag,
                         snapshot=steps.snapshot_name(isos.appliance), warnings=job.notes)


def _rollback(session: Session, vch: VchSummary, timeout: float, sink: Sink | None,
              cancel_event: threading.Event | None, certs: CertBundle | None) -> UpgradeResult:
    """Revert to the newest upgrade snapshot, power on, wait, then remove that snapshot."""
    job = _job(session, vch, timeout, cancel_event, certs)
    snapshots = upgrade_snapshots(job.state)
    if not snapshots:
        raise NotFound(f"VCH {vch.name} has no version from before an upgrade to return to",
                       remedy="It was never upgraded, or its upgrade snapshot was removed")
    tree = snapshots[-1]
    previous = Previous.from_description(tree.description)
    job.snapshot = tree.snapshot
    current_iso = job.state.iso
    result = UpgradeResult(vch.id, vch.name, "rollback", vch.version,
                           previous.version if previous else "the version before the upgrade", snapshot=tree.name)

    def revert(ctx: RunContext) -> None:
        run_task(lambda: tree.snapshot.RevertToSnapshot_Task(suppressPowerOn=True), "revert to the snapshot",
                 vch.name)
        job.power(False)
        job.state = read_vm(session, vch.vm)
        # vSphere restored the configuration with the revert; the record puts it back where it does not.
        steps.restore(job, previous)
        ctx.say(f"Reverted {vch.name} to snapshot {tree.name!r}")

    def remove(ctx: RunContext) -> None:
        run_task(lambda: tree.snapshot.RemoveSnapshot_Task(removeChildren=False), "remove the upgrade snapshot",
                 vch.name)
        state = read_vm(session, vch.vm)
        if current_iso and current_iso != state.iso:
            try:
                steps.delete_file(job, current_iso)
            except Exception as exc:  # noqa: BLE001 - the VCH is rolled back; only a file is left over
                result.warnings.append(f"{current_iso} could not be removed: {exc}")
        ctx.forget_undo()
        job.reconfigure("clear the upgrade mark", steps.lock_value(False))
        ctx.say(f"Removed snapshot {tree.name!r}")

    plan = Plan(f"Roll back VCH {vch.name}", [
        Step("Mark the VCH as being upgraded", lambda ctx: steps.set_lock(job, ctx)),
        Step("Revert to the upgrade snapshot", revert),
        Step("Power on", lambda ctx: steps.power_on(job, ctx)),
        Step("Wait for the VCH", lambda ctx: steps.wait_step(job, ctx)),
        Step("Remove the upgrade snapshot", remove),
    ])
    _run(plan, job, sink)
    result.warnings += job.notes
    return result


__all__ = ["IN_PROGRESS", "UpgradeResult", "upgrade"]
