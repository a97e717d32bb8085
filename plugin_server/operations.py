"""Long operations run in worker threads, with their events kept for server-sent event streams.

Each operation is mirrored as a vCenter task (plugin_server.tasks) whose id is in the operation's id, so another
replica, or this one after a restart, reads its state from vCenter: kind, subject, every progress message, the
result or the whole error, the same document this process answers. Events are kept only by the process running it;
a replica that did not start it streams progress read from the vCenter task instead.

One operation at a time per subject (a VCH, or the name a create makes) is decided in vCenter, not here: the task
is created first, and the operation runs only if no live task of ours on that subject is older
(``plugin_server.tasks.contenders``); otherwise its task fails at once and the request is 409. The reservation kept
in this process (``reserve``) only answers a conflict within one process sooner, before anything is read.

While an operation runs, its worker beats a heartbeat into the task (``plugin_server.tasks``): a worker killed
part way stops beating, and any replica then reads the operation as failed, saying where it stopped and what the VCH
was left as. If this worker finds its task finished by another replica meanwhile, it cancels the operation (undo
runs). On shutdown (SIGTERM, or the gunicorn master gone) :meth:`Operations.drain` lets running operations finish
for a while, then cancels them, and hands back as failed, with that same message, any still running at the deadline;
event streams end with the operation, or close so clients follow it again elsewhere.

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
import time
from dataclasses import dataclass, field
from typing import Callable

from plugin_server.errors import ApiError, error_body
from plugin_server.sessions import SessionCache
from plugin_server.stream_limits import StreamLimits
from plugin_server.tasks import LEFT_AS, TASK_TYPES, VcenterTask, contenders, task_number
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
    task: VcenterTask | None = field(default=None, repr=False)
    session: Session | None = field(default=None, repr=False)
    handed_back: bool = False

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


class Operations:
    def __init__(self, sessions: SessionCache, extension_key: str, streams_per_user: int = 8,
                 streams_total: int = 24, heartbeat: float = 5.0) -> None:
        self._sessions = sessions
        self._extension_key = extension_key
        self._lock = threading.Lock()
        self._ops: dict[str, Operation] = {}
        self._busy: set[str] = set()
        self.streams = StreamLimits(streams_per_user, streams_total)
        self.heartbeat = heartbeat
        self.stopping = threading.Event()  # shutting down: no new operation, streams of others' operations close
        self._beating: threading.Thread | None = None

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
        if self.stopping.is_set():
            with self._lock:
                self._busy.discard(subject)
            raise ApiError(503, "The server is shutting down", code="shutting_down",
                           remedy="Retry in a moment: another server (or this one, restarted) takes it")
        nonce = secrets.token_urlsafe(16)
        task = VcenterTask.create(session, self._extension_key, kind, obj, activation_id=nonce,
                                  interval=self.heartbeat, subject=subject)
        if task is not None:
            self._arbitrate(task, subject, obj)
        op_id = f"{task.id if task else 'local-' + secrets.token_hex(8)}@{target_key}~{nonce}"
        op = Operation(id=op_id, kind=kind, subject=subject, owner=session.user, entity=obj, task=task,
                       session=session)
        self._ops[op_id] = op
        self._sessions.hold(session)
        threading.Thread(target=self._run, args=(op, task, session, work), daemon=True,
                         name=f"operation {op_id}").start()
        self._start_heartbeat()
        return op

    def _arbitrate(self, task: VcenterTask, subject: str, obj) -> None:
        """Run only if ``task`` is the oldest live one of ours on ``subject`` in vCenter, whichever replica made the
        others; otherwise fail it and :raise Conflict:."""
        types = {f"{self._extension_key}.{t}" for t in TASK_TYPES.values()}
        try:
            first = next((t for t in contenders(task.session, obj, subject, types) if t["id"] != task.id), None)
        except Exception as exc:  # noqa: BLE001 - unknown is not free: refuse rather than run twice
            self._lose(task, subject, Conflict(f"Cannot tell whether another operation on {subject.split('/')[-1]} "
                                               f"is running: {exc}", remedy="Retry in a moment"))
        if first is not None and task_number(first["id"]) < task_number(task.id):
            conflict = self._conflict(subject)
            conflict.remedy = (f"Wait for it to finish ({first['kind'] or 'operation'} started by "
                               f"{first['owner'] or 'another user'}, vCenter task {first['id']}), then retry")
            self._lose(task, subject, conflict)

    def _lose(self, task: VcenterTask, subject: str, conflict: Conflict) -> None:
        task.fail(str(conflict), error_body(conflict))
        with self._lock:
            self._busy.discard(subject)
        raise conflict

    def running(self) -> list[Operation]:
        return [op for op in list(self._ops.values()) if not op.finished]

    def _start_heartbeat(self) -> None:
        with self._lock:
            if self._beating is not None and self._beating.is_alive():
                return
            self._beating = threading.Thread(target=self._beat, daemon=True, name="operation heartbeat")
            self._beating.start()

    def _beat(self) -> None:
        """Every ``heartbeat`` seconds, each running operation's task hears from this worker. A task finished by
        another replica (it took this worker for dead) cancels its operation: the undo runs here."""
        while True:
            time.sleep(self.heartbeat)
            ops = [op for op in self.running() if op.task is not None]
            if not ops and self.stopping.is_set():
                return
            for op in ops:
                if not op.task.heartbeat() and not op.cancel_event.is_set():
                    log.warning("operation %s was taken for abandoned by another server: cancelling it", op.id)
                    op.cancel_event.set()

    def _run(self, op: Operation, task: VcenterTask | None, session: Session, work: Work) -> None:
        def sink(event: ProgressEvent) -> None:
            with op.changed:
                op.events.append(event.to_dict())
                op.changed.notify_all()
            # Every event, so another replica answers what this one does (progress and message).
            if task is not None and not op.handed_back:
                task.progress(_percent(event.to_dict()), event.message, event.to_dict())

        result = error = None
        try:
            result = work(sink, op.cancel_event)
        except VicError as exc:
            error = error_body(exc)
            if isinstance(exc, OperationFailed):
                error.update(undone=exc.undone, left=exc.left)
            elif hasattr(exc, "removed") and hasattr(exc, "left"):  # a delete that stopped part way
                error.update(removed=list(exc.removed), left=list(exc.left))
            message = str(exc)
        except Exception as exc:  # noqa: BLE001 - reported as the operation's error, logged with its trace
            log.exception("operation %s failed", op.id)
            error = {"message": f"Internal error: {exc}", "code": "internal", "errors": {}}
            message = error["message"]
        with op.changed:
            late = op.handed_back  # drain() gave up on it at the shutdown deadline: already said and released
        if late:
            log.warning("operation %s ended after it was handed back: %s", op.id, "error" if error else "success")
            return
        # vCenter first: whoever sees the end here (a stream, a read) then finds the same end in the task.
        if task is not None:
            if error is None:
                task.succeed(result)
            else:
                task.fail(message, error)
        with op.changed:
            if not op.handed_back:
                op.result, op.error = result, error
                op.state = "error" if error is not None else "success"
            op.changed.notify_all()
        self._release(op)

    def _release(self, op: Operation) -> None:
        with self._lock:
            session, op.session = op.session, None
            self._busy.discard(op.subject)
        if session is not None:
            self._sessions.release(session)

    def drain(self, budget: float) -> list[str]:
        """Shut down within ``budget`` seconds: no new operation; running ones may finish during the first half,
        are then cancelled (their undo runs), and those still running at the deadline are handed back: failed,
        in vCenter too, saying where they stopped and what the VCH is left as. Returns the ids handed back."""
        self.stopping.set()
        deadline = time.monotonic() + max(0.0, budget)
        cancel_at = time.monotonic() + max(0.0, budget) / 2
        while self.running() and time.monotonic() < cancel_at:
            time.sleep(0.1)
        for op in self.running():
            log.warning("shutting down: cancelling operation %s", op.id)
            op.cancel_event.set()
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.1)
        handed = []
        for op in self.running():
            last = op.events[-1]["message"] if op.events else ""
            message = (f"The server stopped while this operation ran (shut down){f' at: {last}' if last else ''}. "
                       f"{LEFT_AS.get(op.kind, '')}")
            with op.changed:
                if op.finished:
                    continue
                op.error = {"message": message, "code": "abandoned", "errors": {}}
                op.state, op.handed_back = "error", True
                op.changed.notify_all()
            if op.task is not None:
                op.task.fail(message, op.error)
            self._release(op)
            handed.append(op.id)
        return handed

    def events_since(self, op: Operation, index: int, timeout: float) -> list[dict]:
        """Events after ``index``, waiting up to ``timeout`` for one when there are none yet."""
        with op.changed:
            if len(op.events) <= index and not op.finished:
                op.changed.wait(timeout)
            return op.events[index:]
