"""Operations mirrored as vCenter tasks of our extension, so they show in Recent Tasks and any replica can read them."""

from __future__ import annotations

import json
import logging

from pyVmomi import vim

from vic_machine.vsphere.session import Session

log = logging.getLogger(__name__)

TASK_TYPES = {
    "create": "CreateVch",
    "delete": "DeleteVch",
    "configure": "ConfigureVch",
    "upgrade": "UpgradeVch",
}


class VcenterTask:
    """One extension task; every update is best effort: a vCenter hiccup must not fail the operation itself."""

    def __init__(self, session: Session, task: vim.Task) -> None:
        self.session = session
        self.task = task

    @property
    def id(self) -> str:
        return self.task._moId

    @classmethod
    def create(cls, session: Session, extension_key: str, kind: str, obj: vim.ManagedEntity,
               activation_id: str = "") -> "VcenterTask | None":
        try:
            info = session.content.taskManager.CreateTask(
                obj=obj, taskTypeId=f"{extension_key}.{TASK_TYPES[kind]}", initiatedBy=session.user,
                cancelable=False, activationId=activation_id or None)
        except Exception as exc:  # noqa: BLE001 - the operation still runs, only without a vCenter task
            log.warning("cannot create a vCenter task for %s: %s", kind, exc)
            return None
        task = cls(session, info.task)
        task._call(lambda t: t.SetTaskState(state="running"))
        return task

    def _call(self, fn) -> None:
        try:
            fn(self.task)
        except Exception as exc:  # noqa: BLE001 - see class docstring
            log.warning("cannot update vCenter task %s: %s", self.task._moId, exc)

    def progress(self, percent: int, message: str) -> None:
        self._call(lambda t: t.UpdateProgress(percentDone=max(0, min(100, percent))))
        self._call(lambda t: t.SetTaskDescription(
            description=vim.LocalizableMessage(key="com.vmware.vic.progress", message=message)))

    def succeed(self, result: dict) -> None:
        self._call(lambda t: t.SetTaskState(state="success", result=json.dumps(result)))

    def fail(self, message: str) -> None:
        self._call(lambda t: t.SetTaskState(state="error", fault=vim.fault.VimFault(msg=message)))


def read_task(session: Session, task_id: str) -> dict | None:
    """State of a task by id, as any replica sees it in vCenter: state, progress, message, result, error; and
    whose it is: type (``descriptionId``), owner (the user who started it), entity, entity_name, activation_id."""
    from vic_machine.vsphere.collector import retrieve_objects

    task = vim.Task(task_id, session.stub)
    try:
        props = retrieve_objects(session.content, [task], ["info"]).get(task, {})
    except Exception:  # noqa: BLE001 - a vanished task is simply not found
        return None
    info = props.get("info")
    if info is None:
        return None
    result = None
    if isinstance(info.result, str):
        try:
            result = json.loads(info.result)
        except ValueError:
            result = {"value": info.result}
    # pyvmomi hands the task's error over as the fault itself (msg) or wrapped (localizedMessage, fault.msg).
    err = info.error
    error = (getattr(err, "localizedMessage", "") or getattr(getattr(err, "fault", None), "msg", "")
             or getattr(err, "msg", "") or "")
    return {
        "state": str(info.state),
        "progress": int(info.progress or 0),
        "message": getattr(info.description, "message", "") if info.description else "",
        "result": result,
        "error": error,
        "type": info.descriptionId or "",
        "owner": getattr(info.reason, "userName", "") or "",
        "entity": info.entity,
        "entity_name": info.entityName or "",
        "activation_id": info.activationId or "",
    }
