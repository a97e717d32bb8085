"""Long operations run in worker threads, with their events kept for server-sent event streams.

Each operation is mirrored as a vCenter task (plugin_server.tasks) whose id is in the operation's id, so another
replica, or this one after a restart, reads its state from vCenter. Events are kept only by the process running it;
a replica that did not start it streams progress read from the vCenter task instead.

An operation id is ``<task id>@<vCenter>~<nonce>``: vCenter's task ids are sequential, so the random nonce, kept
as the task's ``activationId``, makes ids unguessable; any replica checks it against the task. Who may read an
operation is decided per request (its owner, or a user holding the operation's privileges on its object:
``plugin_server.api.operations``). Event streams are bounded per user and in total (``streams``), so long-lived
streams cannot take every worker thread.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
from dataclasses import dataclass, field
from typing import Callable

from plugin_server.errors import ApiError, error_body
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
    owner: str = ""
    entity: object = None
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


def operation_target(op_id: str) -> tuple[str, str, str]:
    """(task id, target, nonce) from an operation id ``task-ext-3@vcenter:443~<nonce>`` (empty parts if absent)."""
    task_id, _, rest = op_id.partition("@")
    target, _, nonce = rest.partition("~")
    return task_id, target, nonce


def same_nonce(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


class _Claim:
    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.taken = False


class StreamLimits:
    """Open event streams per user and in total; each holds a worker thread as long as it is open."""

    def __init__(self, per_user: int, total: int) -> None:
        self.per_user = per_user
        self.total = total
        self._lock = threading.Lock()
        self._open: dict[str, int] = {}

    def open(self, user: str) -> Callable[[], None]:
        """A slot for ``user``'s stream, and the function that frees it (once, whatever calls it again).

        :raise ApiError: 429 when the user, or the server, has as many streams open as allowed.
        """
        with self._lock:
            mine, everyone = self._open.get(user, 0), sum(self._open.values())
            if mine >= self.per_user:
                raise ApiError(429, f"{user} already follows {mine} operations, the most one user may at once",
                               code="too_many_streams", remedy="Close another progress view, or poll "
                               "/container/operations/<id> instead")
            if everyone >= self.total:
                raise ApiError(429, "The server follows as many operations as it can at once",
                               code="too_many_streams", remedy="Retry in a moment, or poll /container/operations/<id>")
            self._open[user] = mine + 1
        freed = threading.Event()

        def free() -> None:
            with self._lock:
                if freed.is_set():
                    return
                freed.set()
                self._open[user] -= 1
                if not self._open[user]:
                    del self._open[user]
        return free

    def count(self, user: str | None = None) -> int:
        with self._lock:
            return self._open.get(user, 0) if user is not None else sum(self._open.values())


class Operations:
    def __init__(self, sessions: SessionCache, extension_key: str, streams_per_user: int = 8,
                 streams_total: int = 24) -> None:
        self._sessions = sessions
        self._extension_key = extension_key
        self._lock = threading.Lock()
        self._ops: dict[str, Operation] = {}
        self._busy: set[str] = set()
        self.streams = StreamLimits(streams_per_user, streams_total)

    @property
    def extension_key(self) -> str:
        return self._extension_key

    def get(self, op_id: str) -> Operation | None:
        return self._ops.get(op_id)

    def _conflict(self, subject: str) -> Conflict:
        return Conflict(f"An operation on {subject.split('/')[-1]} is already running",
                        remedy="Wait for it to finish, then retry")

    def reserve(self, subject: str) -> _Claim:
        """Reserve ``subject`` before reading anything of it; ``start(..., claim=)`` takes the reservation over,
        ``unreserve`` gives an untaken one back.

        :raise Conflict: an operation on ``subject`` is already running (or being started).
        """
        with self._lock:
            if subject in self._busy:
                raise self._conflict(subject)
            self._busy.add(subject)
        return _Claim(subject)

    def unreserve(self, claim: _Claim) -> None:
        with self._lock:
            if not claim.taken:
                claim.taken = True
                self._busy.discard(claim.subject)

    def start(self, kind: str, subject: str, target_key: str, session: Session, obj, work: Work,
              claim: _Claim | None = None) -> Operation:
        """Run ``work`` in a thread; :raise Conflict: an operation on ``subject`` is already running."""
        with self._lock:
            claimed = claim is not None and claim.subject == subject and not claim.taken
            if claimed:
                claim.taken = True
        if not claimed:
            with self._lock:
                if subject in self._busy:
                    raise self._conflict(subject)
                self._busy.add(subject)
        nonce = secrets.token_urlsafe(16)
        task = VcenterTask.create(session, self._extension_key, kind, obj, activation_id=nonce)
        op_id = f"{task.id if task else 'local-' + secrets.token_hex(8)}@{target_key}~{nonce}"
        op = Operation(id=op_id, kind=kind, subject=subject, owner=session.user, entity=obj)
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
