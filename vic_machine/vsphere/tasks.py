"""Wait for vSphere tasks, turning a task that ends in error into the core's error."""

from __future__ import annotations

import threading
import time
from typing import Any

from pyVmomi import vim, vmodl

from vic_machine.errors import Cancelled, VicError
from vic_machine.vsphere.faults import translate, vsphere_call

POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 1.0
# Reading a task's state again after a failed read (a vCenter hiccup): the task itself goes on meanwhile, and
# giving up at once would leave what it made unknown to the caller's undo.
READ_RETRIES = (0.2, 0.5, 1.0)


def wait_for_task(
    task: vim.Task,
    action: str,
    obj: str = "",
    *,
    cancel_event: threading.Event | None = None,
    timeout: float | None = None,
) -> Any:
    """Poll ``task`` until it ends; return its result.

    The poll interval starts short (tasks on the simulator end in milliseconds) and grows to a second.
    A cancel request stops the waiting, not the task: the caller's undo then cleans up what it did.

    :raise VicError: the task ended in error (the fault translated as doing ``action`` on ``obj``).
    :raise Cancelled: ``cancel_event`` was set while waiting.
    :raise TimeoutError: ``timeout`` seconds passed.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = POLL_SECONDS
    while True:
        info = _read_task(task, action, obj)
        if info.get("info.state") == vim.TaskInfo.State.success:
            return info.get("info.result")
        if info.get("info.state") == vim.TaskInfo.State.error:
            fault = info.get("info.error")
            if fault is None:
                fault = vim.fault.VimFault(msg="the task failed without saying why")
            raise translate(fault, action, obj) from None
        if cancel_event is not None and cancel_event.is_set():
            raise Cancelled()
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"{action}: the task did not end in {timeout:.0f} s")
        time.sleep(delay)
        delay = min(delay * 2, MAX_POLL_SECONDS)


def _read_task(task: vim.Task, action: str, obj: str) -> dict:
    """The task's state, read again a few times when a read fails (:raise VicError: every read failed)."""
    for delay in (*READ_RETRIES, None):
        try:
            with vsphere_call(action, obj):
                return _task_info(task)
        except VicError as exc:
            if delay is None or getattr(exc, "fault", "") == "ManagedObjectNotFound":
                raise
            time.sleep(delay)
    raise AssertionError("unreachable")


def _task_info(task: vim.Task) -> dict:
    """State, error and result only: reading all of ``task.info`` fails on the simulator's FileManager tasks
    (their entity is not a ManagedEntity, which pyvmomi refuses)."""
    # vCenter's collector is "propertyCollector", an ESXi host's "ha-property-collector": the session's stub
    # knows which (vic_machine.vsphere.session.connect).
    collector = vim.PropertyCollector(getattr(task._stub, "property_collector", "propertyCollector"), task._stub)
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=task, skip=False)],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.Task, pathSet=_PATHS, all=False)])
    result = collector.RetrievePropertiesEx(specSet=[spec], options=vmodl.query.PropertyCollector.RetrieveOptions())
    objects = result.objects if result is not None else []
    return {p.name: p.val for p in (objects[0].propSet if objects else [])}


_PATHS = ["info.state", "info.error", "info.result"]


def run_task(start, action: str, obj: str = "", **kwargs: Any) -> Any:
    """Start a task with ``start()`` and wait for it; both the call and the task's fault are translated."""
    with vsphere_call(action, obj):
        task = start()
    return wait_for_task(task, action, obj, **kwargs)
