"""Operations mirrored as vCenter tasks of our extension, so they show in Recent Tasks and any replica can read them.

A running operation's task carries a **heartbeat**: the worker running it rewrites the task's description every
``interval`` seconds (and with every progress message) with vCenter's own time of that moment and the interval, as
arguments of the description. Any replica reading the task compares that with vCenter's time now: a task running
without a heartbeat for ``STALE_BEATS`` intervals (plus a margin) belongs to a worker that died (``kill -9``, a
crashed host), so it reads as failed — and is set failed in vCenter, so Recent Tasks stops showing it running — with
a message saying where it stopped and what the VCH was left as. State comes from vCenter, not from a process.

The task is the operation's **one truth**: its type is the operation's kind, its activation id
(``<nonce>:<subject>``, set as vCenter creates it) names what it acts on, its progress and message follow every
event, and it ends with the result (success) or the error body the server answers (error, in the description's
arguments), so every replica answers the same document for it.

It is also the **lock** (``contenders``): an operation starts by creating its task, then reads the running tasks of
its entity (``recentTask``, vCenter's own list) and runs only when no live task of ours on the same subject came
before it. vCenter numbers tasks in the order it creates them, so of two simultaneous operations through different
replicas exactly one sees no earlier rival: the other fails its task at once (409). A rival whose heartbeat
stopped does not count (its worker is dead).

Whoever finds a task abandoned also ends the vCenter session its dead worker held for it: the task names that
session by a SHA-256 of its key (readers of the task never see the key itself).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import threading
import time

from pyVmomi import vim

from vic_machine.vsphere.session import Session

log = logging.getLogger(__name__)

TASK_TYPES = {
    "create": "CreateVch",
    "delete": "DeleteVch",
    "configure": "ConfigureVch",
    "upgrade": "UpgradeVch",
}
MESSAGE_KEY = "com.vmware.vic.progress"
HEARTBEAT_ARG, INTERVAL_ARG = "heartbeat", "interval"
ERROR_ARG, SESSION_ARG, EVENT_ARG = "error", "session", "event"
STALE_BEATS = 4
STALE_MARGIN = 2.0  # seconds: vCenter round trips, clock reading
FINISH_ATTEMPTS = 3

# What the VCH is left as when the worker running each kind of operation died, and what to do about it.
LEFT_AS = {
    "create": "what it made is listed as being created: delete it (Delete in the VCH list, or vic-machine delete) "
              "and create it again",
    "delete": "the VCH is listed as being deleted until its last piece is gone: delete it again to remove the rest",
    "configure": "the VCH may still be marked as being configured: configure it again with reset progress "
                 "(vic-machine configure --reset-progress), or delete it",
    "upgrade": "the VCH may still be marked as being upgraded: upgrade it again with reset progress "
               "(vic-machine upgrade --reset-progress), roll it back, or delete it",
}


class TaskFinished(Exception):
    """The task was finished by someone else (another replica found its worker dead)."""


_clock_lock = threading.Lock()
_offsets: dict[tuple[str, int], tuple[float, float]] = {}  # vCenter → (offset seconds, when measured)
CLOCK_REFRESH = 60.0


def vcenter_now(session: Session) -> datetime.datetime:
    """vCenter's clock now (UTC, aware), from its offset to ours, measured at most once a minute per vCenter."""
    key = (session.target.host, int(session.target.port or 443))
    with _clock_lock:
        known = _offsets.get(key)
    if known is None or time.monotonic() - known[1] > CLOCK_REFRESH:
        theirs = session.si.CurrentTime()
        if theirs.tzinfo is None:
            theirs = theirs.replace(tzinfo=datetime.timezone.utc)
        offset = (theirs - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        known = (offset, time.monotonic())
        with _clock_lock:
            _offsets[key] = known
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=known[0])


class VcenterTask:
    """One extension task; every update is best effort: a vCenter hiccup must not fail the operation itself."""

    def __init__(self, session: Session, task: vim.Task, interval: float = 5.0, kind: str = "",
                 subject: str = "") -> None:
        self.session = session
        self.task = task
        self.interval = interval
        self.kind = kind
        self.subject = subject
        self.message = ""
        self.percent = 0
        self.error: dict | None = None
        self.finished_elsewhere = False
        self.session_hash = ""
        self.event: dict | None = None

    @property
    def id(self) -> str:
        return self.task._moId

    @classmethod
    def create(cls, session: Session, extension_key: str, kind: str, obj: vim.ManagedEntity,
               activation_id: str = "", interval: float = 5.0, subject: str = "") -> "VcenterTask | None":
        if session.is_esxi:
            return None  # a lone ESXi host has no extension tasks: the operation is this server's own
        try:
            info = session.content.taskManager.CreateTask(
                obj=obj, taskTypeId=f"{extension_key}.{TASK_TYPES[kind]}", initiatedBy=session.user,
                cancelable=False, activationId=f"{activation_id}:{subject}" if activation_id else None)
        except Exception as exc:  # noqa: BLE001 - the operation still runs, only without a vCenter task
            log.warning("cannot create a vCenter task for %s: %s", kind, exc)
            return None
        task = cls(session, info.task, interval, kind=kind, subject=subject)
        task.session_hash = _session_hash(session)
        task._call(lambda t: t.SetTaskState(state="running"))
        task.heartbeat()
        return task

    def _call(self, fn) -> bool:
        try:
            fn(self.task)
        except vim.fault.InvalidState as exc:
            # Finished already: by another replica that found this worker's heartbeat missing.
            self.finished_elsewhere = True
            log.warning("vCenter task %s was finished elsewhere: %s", self.task._moId, exc.msg)
            return False
        except Exception as exc:  # noqa: BLE001 - see class docstring
            log.warning("cannot update vCenter task %s: %s", self.task._moId, exc)
            return False
        return True

    def _description(self) -> vim.LocalizableMessage:
        try:
            now = vcenter_now(self.session).isoformat()
        except Exception:  # noqa: BLE001 - without vCenter's time, ours: still a sign of life
            now = datetime.datetime.now(datetime.timezone.utc).isoformat()
        args = {HEARTBEAT_ARG: now, INTERVAL_ARG: f"{self.interval:g}", SESSION_ARG: self.session_hash}
        if self.event is not None:
            args[EVENT_ARG] = json.dumps(self.event)
        if self.error is not None:
            args[ERROR_ARG] = json.dumps(self.error)
        return vim.LocalizableMessage(key=MESSAGE_KEY, message=self.message,
                                      arg=[vim.KeyAnyValue(key=k, value=v) for k, v in args.items()])

    def heartbeat(self) -> bool:
        """Say this worker still runs the operation; False when the task was finished elsewhere."""
        # vCenter takes a new description even on a finished task; a progress update it refuses (InvalidState).
        # Asked first, so an operation another replica gave up for dead learns it, and its record is kept.
        if self._call(lambda t: t.UpdateProgress(percentDone=self.percent)):
            self._call(lambda t: t.SetTaskDescription(description=self._description()))
        return not self.finished_elsewhere

    def progress(self, percent: int, message: str, event: dict | None = None) -> None:
        """``event``: the progress event itself, so another replica's stream sends what the owner's does."""
        self.message = message
        self.event = event
        self.percent = max(0, min(100, percent))
        self._call(lambda t: t.UpdateProgress(percentDone=self.percent))
        if not self.finished_elsewhere:  # never over the record of the replica that finished it
            self._call(lambda t: t.SetTaskDescription(description=self._description()))

    def _finish(self, fn) -> None:
        """A final state is retried: a task left running without heartbeats would later read as abandoned."""
        for attempt in range(FINISH_ATTEMPTS):
            if self._call(fn) or self.finished_elsewhere:
                return
            time.sleep(0.5 * (attempt + 1))

    def succeed(self, result: dict) -> None:
        self._finish(lambda t: t.SetTaskState(state="success", result=json.dumps(result)))

    def fail(self, message: str, error: dict | None = None) -> None:
        """Finish as failed; ``error`` (the body the server answers) goes into the description first, so another
        replica answers it whole."""
        if error is not None:
            self.error = error
            self._call(lambda t: t.SetTaskDescription(description=self._description()))
        self._finish(lambda t: t.SetTaskState(state="error", fault=vim.fault.VimFault(msg=message)))


def _args(description) -> dict[str, str]:
    return {a.key: a.value for a in getattr(description, "arg", None) or [] if isinstance(a.value, str)}


def stale_since(session: Session, info) -> datetime.datetime | None:
    """When the worker running this task was last heard of, if it is presumed dead; None while it is alive (or
    the task is not running, or carries no heartbeat)."""
    if str(info.state) not in ("running", "queued"):
        return None
    args = _args(info.description)
    beat = args.get(HEARTBEAT_ARG)
    try:
        # One of ours never heard of since it was queued: its creator died between CreateTask and its first beat.
        last = (datetime.datetime.fromisoformat(beat) if beat
                else info.queueTime if _kind_of(info.descriptionId or "") else None)
        interval = float(args.get(INTERVAL_ARG) or 5)
    except ValueError:
        return None
    if last is None:
        return None
    if last.tzinfo is None:
        last = last.replace(tzinfo=datetime.timezone.utc)
    try:
        now = vcenter_now(session)
    except Exception:  # noqa: BLE001 - without vCenter's clock nothing is presumed dead
        return None
    if (now - last).total_seconds() > STALE_BEATS * interval + STALE_MARGIN:
        return last
    return None


def abandoned_message(kind: str, last: datetime.datetime, message: str) -> str:
    where = f" at: {message}" if message else ""
    return (f"The server running this operation stopped (no sign of it since {last:%Y-%m-%d %H:%M:%S} UTC){where}. "
            f"{LEFT_AS.get(kind, 'Check the VCH in the VCH list')}")


def read_task(session: Session, task_id: str, kinds: dict[str, str] | None = None) -> dict | None:
    """State of a task by id, as any replica sees it in vCenter (:func:`task_state`); None when there is none."""
    from vic_machine.vsphere.collector import retrieve_objects

    task = vim.Task(task_id, session.stub)
    try:
        props = retrieve_objects(session.content, [task], ["info"]).get(task, {})
    except Exception:  # noqa: BLE001 - a vanished task is simply not found
        return None
    info = props.get("info")
    return task_state(session, task, info, kinds) if info is not None else None


def task_state(session: Session, task: vim.Task, info, kinds: dict[str, str] | None = None) -> dict:
    """A task's state: state, progress, message, result, error (and error_body, the owner's whole error); whose it
    is: type (``descriptionId``), kind, subject, owner (the user who started it), entity, entity_name,
    activation_id.

    A running task whose worker's heartbeat stopped reads as ``error`` (``abandoned``: True), and is set so in
    vCenter (best effort). ``kinds`` maps task types to operation kinds, for the message saying what is left.
    """
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
    message = (getattr(info.description, "message", "") if info.description else "") or ""
    args = _args(info.description)
    try:
        body = json.loads(args[ERROR_ARG]) if ERROR_ARG in args else None
        event = json.loads(args[EVENT_ARG]) if EVENT_ARG in args else None
    except ValueError:
        body = event = None
    state = str(info.state)
    abandoned = False
    last = stale_since(session, info)
    kind = (kinds or {}).get(info.descriptionId or "", "") or _kind_of(info.descriptionId or "")
    # The activation id is "<nonce>:<subject>", set when the task is created: the subject is there from the start.
    nonce, _, subject = (info.activationId or "").partition(":")
    if last is not None:
        error, state, abandoned = abandoned_message(kind, last, message), "error", True
        body = {"message": error, "code": "abandoned", "errors": {}}
        try:
            # The whole error first, as its owner would have written it: every later reader answers the same.
            args[ERROR_ARG] = json.dumps(body)
            task.SetTaskDescription(description=vim.LocalizableMessage(
                key=MESSAGE_KEY, message=message, arg=[vim.KeyAnyValue(key=k, value=v) for k, v in args.items()]))
            task.SetTaskState(state="error", fault=vim.fault.VimFault(msg=error))
        except Exception as exc:  # noqa: BLE001 - it reads as failed all the same
            log.info("cannot mark abandoned task %s failed: %s", task._moId, exc)
        else:
            end_session(session, args.get(SESSION_ARG, ""))
    return {
        "id": task._moId,
        "state": state,
        "progress": int(info.progress or 0),
        "message": message,
        "result": result,
        "error": error,
        "error_body": body,  # the whole error the owner answered, when it wrote one
        "event": event,  # the owner's latest progress event
        "abandoned": abandoned,
        "type": info.descriptionId or "",
        "kind": kind,
        "subject": subject,
        "owner": getattr(info.reason, "userName", "") or "",
        "entity": info.entity,
        "entity_name": info.entityName or "",
        "activation_id": nonce,
    }


def _session_hash(session: Session) -> str:
    """SHA-256 of the vCenter session's key: names the session in the task without handing the key to readers."""
    try:
        key = session.content.sessionManager.currentSession.key
    except Exception:  # noqa: BLE001 - the task simply names no session
        return ""
    return hashlib.sha256(key.encode()).hexdigest() if key else ""


def end_session(session: Session, hashed: str) -> None:
    """End the vCenter session a dead worker held for an operation (its server cannot log it out any more), if
    ``session`` may (Sessions.TerminateSession); otherwise vCenter ends it when it has been idle long enough."""
    if not hashed:
        return
    try:
        manager = session.content.sessionManager
        mine = manager.currentSession.key
        keys = [s.key for s in manager.sessionList or []
                if s.key != mine and hashlib.sha256(s.key.encode()).hexdigest() == hashed]
        if keys:
            manager.TerminateSession(sessionId=keys)
            log.info("ended the vCenter session of an abandoned operation")
    except Exception as exc:  # noqa: BLE001 - best effort: vCenter's idle timeout ends it anyway
        log.info("cannot end the vCenter session of an abandoned operation: %s", exc)


def task_number(task_id: str) -> int:
    """vCenter's sequence number of a task (``task-123``, ``task-ext-7``): the order it created them in."""
    tail = task_id.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def contenders(session: Session, entity: vim.ManagedEntity, subject: str, type_ids: set[str]) -> list[dict]:
    """The live tasks of ours on ``subject``: running or queued, of one of ``type_ids``, heartbeat not stopped,
    from ``entity``'s ``recentTask`` (one property-collector read), oldest first."""
    from vic_machine.vsphere.collector import retrieve_spec
    from pyVmomi import vmodl

    pc = vmodl.query.PropertyCollector
    ref = type(entity)(entity._moId, session.stub)
    spec = pc.FilterSpec(
        objectSet=[pc.ObjectSpec(obj=ref, skip=True, selectSet=[
            pc.TraversalSpec(name="tasks", type=type(entity), path="recentTask", skip=False)])],
        propSet=[pc.PropertySpec(type=vim.Task, pathSet=["info"], all=False)])
    out = []
    for content in retrieve_spec(session.content, spec):
        info = next((p.val for p in content.propSet or [] if p.name == "info"), None)
        if info is None or info.descriptionId not in type_ids or str(info.state) not in ("running", "queued"):
            continue
        state = task_state(session, content.obj, info)
        if state["state"] in ("running", "queued") and state["subject"] == subject:
            out.append(state)
    return sorted(out, key=lambda t: task_number(t["id"]))


def _kind_of(type_id: str) -> str:
    suffix = type_id.rsplit(".", 1)[-1]
    return next((k for k, v in TASK_TYPES.items() if v == suffix), "")
