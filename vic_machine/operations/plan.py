"""Long operations as plans of named, undoable steps, reporting progress to any sink.

A plan runs its steps in order. Each step may register how to undo what it did; when a step fails or the run is
cancelled, everything already done is undone newest first, and the error says which step failed, what was undone,
and what (if anything) could not be undone.

A cancel stops forward work only: undo always runs to its end. It ignores the cancel event, SIGINT, SIGTERM and
SIGHUP are deferred while it runs (``interrupts.shielded``), and a sink that fails (a terminal gone after a hang-up)
cannot stop it. What still cannot be undone is named with where it is and how to remove it (``remedy``).
An undo registered as an ``anchor`` (the resource pool and VM folder that mark a VCH's pieces as its own) is kept
when anything undone before it is left, so what is left stays findable as the VCH's and ``delete`` removes it.

A step that succeeds but cannot fully clean up after itself says so with ``ctx.warn``: the operation's result
carries every warning, naming the object.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from vic_machine.errors import Cancelled, OperationFailed
from vic_machine.operations.interrupts import shielded


@dataclass(frozen=True)
class ProgressEvent:
    """One thing that happened in a run: ``kind`` is start | step | done | undo | undo_failed | failed | finished."""

    kind: str
    step: str
    index: int
    total: int
    message: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "step": self.step, "index": self.index, "total": self.total,
                "message": self.message}


class Sink(Protocol):
    def __call__(self, event: ProgressEvent) -> None: ...


@dataclass
class Step:
    """A named step; ``run(ctx)`` does the work and may call ``ctx.on_undo(description, fn)``."""

    name: str
    run: Callable[["RunContext"], Any]


@dataclass(frozen=True)
class Undo:
    """How to undo one thing: ``description`` names it ("resource pool vch1"), ``where`` says where it is ("in
    /DC0/host/DC0_C0"), ``remedy`` how to remove it when the undo fails; an ``anchor`` is kept when anything
    else is left."""

    description: str
    run: Callable[[], Any]
    remedy: str = ""
    anchor: bool = False
    where: str = ""
    # Kept (not undone) when anything undone before it is left, for this reason ("" and not an anchor: never).
    keep_if_left: str = ""

    @property
    def kept_because(self) -> str:
        return self.keep_if_left or ("so what is left stays findable as this VCH's" if self.anchor else "")

    @property
    def named(self) -> str:
        return f"{self.description} ({self.where})" if self.where else self.description


@dataclass
class RunContext:
    """What a step sees while running: shared values, undo registration, cancellation, messages, warnings."""

    values: dict[str, Any] = field(default_factory=dict)
    cancel_event: threading.Event = field(default_factory=threading.Event)
    warnings: list[str] = field(default_factory=list)
    _undo: list[Undo] = field(default_factory=list)
    _emit: Callable[[str], None] = lambda message: None

    def on_undo(self, description: str, undo: Callable[[], Any], *, remedy: str = "", anchor: bool = False,
                where: str = "", keep_if_left: str = "") -> None:
        """Register how to undo something just done (``description`` names it: "resource pool vch1"; ``where``
        says where it is, ``remedy`` how to remove it if the undo fails: both named in what is left). An
        ``anchor``, or an undo with ``keep_if_left`` (why), is skipped once anything undone before it is left."""
        self._undo.append(Undo(description, undo, remedy, anchor, where, keep_if_left))

    def warn(self, message: str) -> None:
        """The step succeeded but left something (a snapshot, a role): ``message`` names it; kept in ``warnings``."""
        self.warnings.append(message)
        self._emit(f"Warning: {message}")

    def forget_undo(self) -> None:
        """The operation committed: nothing done so far is to be undone any more."""
        self._undo.clear()

    def say(self, message: str) -> None:
        self._emit(message)

    def check_cancelled(self) -> None:
        if self.cancel_event.is_set():
            raise Cancelled()


class Plan:
    """An ordered list of steps executed with progress events and full rollback."""

    def __init__(self, name: str, steps: list[Step]) -> None:
        self.name = name
        self.steps = steps

    @property
    def step_names(self) -> list[str]:
        return [s.name for s in self.steps]

    def execute(self, ctx: RunContext | None = None, sink: Sink | None = None) -> RunContext:
        """Run every step; on failure or cancellation undo what was done and raise OperationFailed."""
        ctx = ctx or RunContext()
        total = len(self.steps)
        emit = sink or (lambda event: None)
        current = {"name": "", "index": 0}
        ctx._emit = lambda message: emit(ProgressEvent("step", current["name"], current["index"], total, message))
        emit(ProgressEvent("start", self.name, 0, total, f"{self.name}: {total} steps"))
        for index, step in enumerate(self.steps, start=1):
            current.update(name=step.name, index=index)
            try:
                emit(ProgressEvent("step", step.name, index, total, step.name))
                ctx.check_cancelled()
                step.run(ctx)
                ctx.check_cancelled()
            except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - any failure rolls back
                cause: BaseException = exc
                if isinstance(exc, KeyboardInterrupt):
                    cause = Cancelled(f"interrupted ({exc})" if str(exc) else "interrupted (Ctrl-C)")
                undone, left = self._rollback(ctx, emit, index, total)
                try:
                    emit(ProgressEvent("failed", step.name, index, total, f"{step.name} failed: {cause}"))
                except BaseException:  # noqa: BLE001 - the failure is what is raised, whatever the sink does
                    pass
                raise OperationFailed(step.name, cause, undone=undone, left=left) from exc
            emit(ProgressEvent("done", step.name, index, total, f"{step.name}: done"))
        emit(ProgressEvent("finished", self.name, total, total, f"{self.name}: completed"))
        return ctx

    @staticmethod
    def _rollback(ctx: RunContext, emit: Sink, index: int, total: int) -> tuple[list[str], list[str]]:
        """Undo everything registered, newest first, whatever is cancelled or signalled meanwhile."""
        undone, left = [], []

        def say(kind: str, step: str, message: str) -> None:
            try:
                emit(ProgressEvent(kind, step, index, total, message))
            except BaseException:  # noqa: BLE001 - a failing sink (terminal gone) must not stop the undo
                pass

        def noted(signum: int) -> None:
            pending_notes.append(signum)

        pending_notes: list[int] = []
        with shielded(noted):
            while ctx._undo:
                if pending_notes:
                    pending_notes.clear()
                    say("step", "undo", "Undoing what was done: this finishes first, whatever is interrupted")
                item = ctx._undo.pop()
                if item.kept_because and left:
                    left.append(f"{item.named}: kept, {item.kept_because}"
                                + (f"; {item.remedy}" if item.remedy else ""))
                    say("undo_failed", item.description, f"Kept {item.description}, {item.kept_because}")
                    continue
                try:
                    item.run()
                except BaseException as exc:  # noqa: BLE001 - keep undoing the rest, report what is left
                    if not isinstance(exc, (Exception, KeyboardInterrupt, Cancelled)):
                        raise
                    left.append(f"{item.named}: {exc or type(exc).__name__}"
                                + (f"; {item.remedy}" if item.remedy else ""))
                    say("undo_failed", item.description, f"Could not remove {item.description}: {exc}")
                    continue
                undone.append(item.description)
                say("undo", item.description, f"Removed {item.description}")
        return undone, left
