"""Long operations run in worker threads, with their events kept for server-sent event streams.

Each operation is mirrored as a vCenter task (plugin_server.tasks) whose id is the operation's id, so another
replica, or this one after a restart, reads its state from vCenter. Events are kept only by the process running it;
a replica that did not start it streams progress read from the vCenter task instead.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, field
from typing import Callable

from plugin_server.errors import error_body
from plugin_server.sessions import SessionCache
from plugin_server.tasks import VcenterTask
from vic_machine.errors import Conflict, OperationFailed, VicError
from vic_machine.operations.plan import ProgressEvent
from vic_machine.vsphere.session import Session

log = logging.getLogger(__name__)

Work = Callable[[Callable[[ProgressEvent], None], threading.Event], dict]


@dataclass
class Operation:
    id: str
    kind: str
    subject: str
    state: str = "running"
    events: list[dict] = field(default_factory=list)
    result: dict | None = None
    error: dict | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def finished(self) -> bool:
        return self.state in ("success", "error")

    def to_dict(self) -> dict:
        last = self.events[-1] if self.events else None
        return {"id": self.id, "kind": self.kind, "subject": self.subject, "state": self.state,
                "progress": _percent(last), "message": last["message"] if last else "",
                "result": self.result, "error": self.error}


def _percent(event: dict | None) -> int:
    if not event or not event.get("total"):
        return 0
    if event["kind"] == "finished":
        return 100
    return int(100 * max(0, event["index"] - 1) / event["total"])


def operation_target(op_id: str) -> tuple[str, str]:
    """(task id, target) from an operation id ``task-ext-3@vcenter:443``."""
    task_id, _, target = op_id.partition("@")
    return task_id, target


class Operations:
    def __init__(self, sessions: SessionCache, extension_key: str) -> None:
        self._sessions = sessions
        self._extension_key = extension_key
        self._lock = threading.Lock()
        self._ops: dict[str, Operation] = {}
        self._busy: set[str] = set()

    def get(self, op_id: str) -> Operation | None:
        return self._ops.get(op_id)

    def start(self, kind: str, subject: str, target_key: str, session: Session, obj, work: Work) -> Operation:
        """Run ``work`` in a thread; :raise Conflict: an operation on ``subject`` is already running."""
        with self._lock:
            if subject in self._busy:
                raise Conflict(f"An operation on {subject.split('/')[-1]} is already running",
                               remedy="Wait for it to finish, then retry")
            self._busy.add(subject)
        task = VcenterTask.create(session, self._extension_key, kind, obj)
        op_id = f"{task.id if task else 'local-' + uuid.uuid4().hex[:12]}@{target_key}"
        op = Operation(id=op_id, kind=kind, subject=subject)
        self._ops[op_id] = op
        self._sessions.hold(session)
        threading.Thread(target=self._run, args=(op, task, session, work), daemon=True,
                         name=f"operation {op_id}").start()
        return op

    def _run(self, op: Operation, task: VcenterTask | None, session: Session, work: Work) -> None:
        def sink(event: ProgressEvent) -> None:
            with op.changed:
                op.events.append(event.to_dict())
                op.changed.notify_all()
            if task is not None and event.kind in ("step", "undo", "failed"):
                task.progress(_percent(event.to_dict()), event.message)

        try:
            result = work(sink, op.cancel_event)
            op.result, op.state = result, "success"
            if task is not None:
                task.succeed(result)
        except VicError as exc:
            op.error, op.state = error_body(exc), "error"
            if isinstance(exc, OperationFailed):
                op.error.update(undone=exc.undone, left=exc.left)
            if task is not None:
                task.fail(str(exc))
        except Exception as exc:  # noqa: BLE001 - reported as the operation's error, logged with its trace
            log.exception("operation %s failed", op.id)
            op.error = {"message": f"Internal error: {exc}", "code": "internal", "errors": {}}
            op.state = "error"
            if task is not None:
                task.fail(op.error["message"])
        finally:
            self._sessions.release(session)
            with self._lock:
                self._busy.discard(op.subject)
            with op.changed:
                op.changed.notify_all()

    def events_since(self, op: Operation, index: int, timeout: float) -> list[dict]:
        """Events after ``index``, waiting up to ``timeout`` for one when there are none yet."""
        with op.changed:
            if len(op.events) <= index and not op.finished:
                op.changed.wait(timeout)
            return op.events[index:]
