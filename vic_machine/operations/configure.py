"""Configure an existing VCH: merge a change into its stored configuration, re-validate, then apply it.

Resource pool limits, reservations and shares change live. Everything else configure can change is read by the
appliance when it boots, so it needs a restart, done under a snapshot: any failure reverts the VCH to its old
configuration, running. ``UpdateInProgress`` on the endpoint VM refuses a concurrent configure or upgrade;
``reset_progress`` clears a lock left by a run that died.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from pyVmomi import vim

from vic_machine.errors import Conflict
from vic_machine.extraconfig import decode
from vic_machine.extraconfig.keys import UPDATE_STATUS_KEY
from vic_machine.inventory import take_snapshot
from vic_machine.operations import configure_steps as steps
from vic_machine.operations.configure_change import Change, apply, merge
from vic_machine.operations.configure_spec import current_spec
from vic_machine.operations.configure_steps import ConfigureJob
from vic_machine.operations.create import ValidationFailed, _execute
from vic_machine.operations.ls import VchSummary
from vic_machine.operations.plan import Plan, ProgressEvent, RunContext, Sink, Step
from vic_machine.operations.vch_config_builder import NetworkRef, volume_folder
from vic_machine.spec import validate_input
from vic_machine.spec.fields import step_of
from vic_machine.spec.model import DEFAULT_TIMEOUT_SECONDS, VchSpec
from vic_machine.validate import Finding, has_errors, validate
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session

# Findings about the VCH's own existence: true of every existing VCH, not problems of the change.
_SELF_FINDINGS = {"general.name_in_use", "compute.holds_vch", "compute.vm_group_exists"}
_REF_TYPES = {"standard": "Network", "distributed": "DistributedVirtualPortgroup", "opaque": "OpaqueNetwork"}


class ConfigureInProgress(Conflict):
    """Another configure or upgrade holds the VCH (its ``UpdateInProgress`` mark is set)."""

    code = "update_in_progress"


@dataclass
class ConfigureResult:
    """What configure did (or, from ``preview``, would do)."""

    id: str
    name: str
    changed: list[str]
    needs_restart: bool
    applied: bool = False
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "changed": self.changed, "needs_restart": self.needs_restart,
                "applied": self.applied, "warnings": self.warnings}


@dataclass
class _Prepared:
    change: Change
    config: object
    extra: list
    findings: list[Finding]
    container_refs: dict[str, NetworkRef]
    datacenter_id: str


def _datacenter(vch: VchSummary) -> str:
    return vch.path.strip("/").split("/", 1)[0]


def refuse_unfinished(vch: VchSummary, what: str) -> None:
    """A VCH being created or deleted (or what is left of one) cannot be ``what`` (configured, upgraded).

    :raise Conflict: it is.
    """
    if vch.vm is None or vch.state in ("creating", "deleting"):
        doing = {"creating": "being created", "deleting": "being deleted"}.get(vch.state, "incomplete")
        raise Conflict(f"VCH {vch.name} is {doing}: it cannot be {what}",
                       remedy="Wait for that operation to finish; if none is running (it was interrupted), delete "
                              f"the VCH (vic-machine delete --id {vch.id}) and create it again")


def _check_lock(session: Session, vch: VchSummary, reset_progress: bool) -> list:
    extra = retrieve_objects(session.content, [vch.vm], ["config.extraConfig"])[vch.vm].get("config.extraConfig")
    if decode(extra or []).update_in_progress:
        if not reset_progress:
            raise ConfigureInProgress(
                f"VCH {vch.name} is being upgraded or configured by another operation",
                remedy="Wait for it to finish; if none is running (it was interrupted), run again with "
                       "--reset-progress")
        steps.write_extra(vch.vm, {UPDATE_STATUS_KEY: ""}, "clear the VCH's update-in-progress mark", vch.name)
    return list(extra or [])


def prepare(session: Session, vch: VchSummary, change: dict | VchSpec, *, partial: bool = True,
            reset_progress: bool = False) -> _Prepared:
    """Merge and validate a change without applying it.

    :raise ConfigureInProgress: the VCH is locked (and ``reset_progress`` is false).
    :raise InputError: the change is malformed, touches a fixed field, or removes a volume store.
    :raise ValidationFailed: the merged spec does not fit the target.
    """
    refuse_unfinished(vch, "configured")
    extra = _check_lock(session, vch, reset_progress)
    spec, config = current_spec(session, vch)
    merged = merge(spec, change, partial=partial)
    findings: list[Finding] = []
    refs: dict[str, NetworkRef] = {}
    dc_id = ""
    if merged.paths:
        validate_input(merged.after)
        inventory = take_snapshot(session, _datacenter(vch))
        dc_id = inventory.datacenter_id
        for step in sorted({step_of(p) for p in merged.paths}):
            findings += [f for f in validate(merged.after, inventory, session=session, step=step,
                                             target_display=session.target.display)
                         if f.code not in _SELF_FINDINGS]
        if has_errors(findings):
            raise ValidationFailed(findings)
        for net in merged.after.network.container:
            if net.port_group is not None:
                found = inventory.networks_named(net.port_group.id or net.port_group.name or "")[:1]
                refs.update({net.port_group.display(): NetworkRef(f"{_REF_TYPES[n.kind]}:{n.id}", n.name)
                             for n in found})
    return _Prepared(merged, config, extra, findings, refs, dc_id)


def preview(session: Session, vch: VchSummary, change: dict | VchSpec, *, partial: bool = True) -> ConfigureResult:
    """What ``configure`` would change and whether it needs a restart, validated; nothing is applied."""
    p = prepare(session, vch, change, partial=partial)
    return ConfigureResult(vch.id, vch.name, p.change.paths, p.change.needs_restart,
                           warnings=[f.message for f in p.findings if f.level == "warning"])


def configure(
    session: Session,
    vch: VchSummary,
    change: dict | VchSpec,
    *,
    sink: Sink | None = None,
    cancel_event: threading.Event | None = None,
    reset_progress: bool = False,
    partial: bool = True,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> ConfigureResult:
    """Apply ``change`` (a partial VCH model for PATCH; a whole one, or a VchSpec, for PUT) to ``vch``.

    The first progress message says whether the VCH will be restarted.

    :raise ConfigureInProgress, InputError, ValidationFailed: see :func:`prepare`; nothing was changed.
    :raise OperationFailed: a step failed or the run was cancelled; the VCH was returned to its old
        configuration (``left`` lists anything that could not be undone).
    """
    p = prepare(session, vch, change, partial=partial, reset_progress=reset_progress)
    change_ = p.change
    result = ConfigureResult(vch.id, vch.name, change_.paths, change_.needs_restart,
                             warnings=[f.message for f in p.findings if f.level == "warning"])
    if not change_.paths:
        return result
    cancel = cancel_event or threading.Event()
    new = apply(p.config, change_, p.container_refs) if change_.needs_restart else p.config
    job = ConfigureJob(session, vch, change_, p.config, new, p.extra, timeout, cancel)
    wanted = [("Lock the VCH", steps.lock)]
    if change_.needs_restart:
        wanted += [("Take a snapshot", steps.snapshot), ("Power off", steps.power_off)]
    if change_.live_paths:
        wanted.append(("Update the resource pool", steps.update_pool))
    if change_.needs_restart:
        if "storage.volume_stores" in change_.paths:
            wanted.append(("Create volume stores", lambda j, ctx: _volume_folders(j, ctx, p.datacenter_id)))
        if change_.touches("compute.affinity.use_vm_group"):
            wanted.append(("Update the DRS VM group", steps.update_vm_group))
        wanted.append(("Rewrite the configuration", steps.rewrite))
        if any(path.startswith(steps.OPS_PATHS) for path in change_.paths):
            wanted.append(("Update operations-user permissions", steps.update_ops_permissions))
        wanted += [("Power on", steps.power_on), ("Wait for the VCH", steps.wait_ready)]
    wanted.append(("Commit", steps.commit))
    plan = Plan(f"Configure VCH {vch.name}", [Step(name, (lambda fn: lambda ctx: fn(job, ctx))(fn))
                                               for name, fn in wanted])
    ctx = RunContext(cancel_event=cancel)
    if sink is not None:
        how = "restarts the VCH" if change_.needs_restart else "is applied live, without a restart"
        sink(ProgressEvent("step", plan.name, 0, len(plan.steps),
                           f"Changing {', '.join(change_.paths)}: this {how}"))
    _execute(plan, ctx, sink)
    result.applied = True
    result.warnings += ctx.warnings
    return result


def _volume_folders(job: ConfigureJob, ctx: RunContext, datacenter_id: str) -> None:
    old = set(job.old.volume_stores)
    dc = vim.Datacenter(datacenter_id, job.session.stub)
    manager = job.session.content.fileManager
    for label, url in job.new.volume_stores.items():
        where = volume_folder(url)
        if label in old or where is None:
            continue
        path = f"[{where[0]}] {where[1]}"
        with vsphere_call("create the volume store folder", path):
            try:
                manager.MakeDirectory(name=path, datacenter=dc, createParentDirectories=True)
            except vim.fault.FileAlreadyExists:
                continue
        ctx.say(f"Volume store {label}: {path}")
