"""Long operations as plans of named, undoable steps, reporting progress to any sink.

A plan runs its steps in order. Each step may register how to undo what it did; when a step fails or the run is
cancelled, everything already done is undone newest first, and the error says which step failed, what was undone,
and what (if anything) could not be undone.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from vic_machine.errors import Cancelled, OperationFailed


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


@dataclass
class RunContext:
    """What a step sees while running: shared values, undo registration, cancellation, messages."""

    values: dict[str, Any] = field(default_factory=dict)
    cancel_event: threading.Event = field(default_factory=threading.Event)
    _undo: list[tuple[str, Callable[[], Any]]] = field(default_factory=list)
    _emit: Callable[[str], None] = lambda message: None

    def on_undo(self, description: str, undo: Callable[[], Any]) -> None:
        """Register how to undo something just done (``description`` names it: "resource pool vch1")."""
        self._undo.append((description, undo))

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
                undone, left = self._rollback(ctx, emit, index, total)
                emit(ProgressEvent("failed", step.name, index, total, f"{step.name} failed: {cause}"))
                if isinstance(exc, KeyboardInterrupt):
                    cause = Cancelled("interrupted (Ctrl-C)")
                raise OperationFailed(step.name, cause, undone=undone, left=left) from exc
            emit(ProgressEvent("done", step.name, index, total, f"{step.name}: done"))
        emit(ProgressEvent("finished", self.name, total, total, f"{self.name}: completed"))
        return ctx

    @staticmethod
    def _rollback(ctx: RunContext, emit: Sink, index: int, total: int) -> tuple[list[str], list[str]]:
        undone, left = [], []
        while ctx._undo:
            description, undo = ctx._undo.pop()
            try:
                undo()
            except Exception as exc:  # noqa: BLE001 - keep undoing the rest, report what is left
                left.append(f"{description} ({exc})")
                emit(ProgressEvent("undo_failed", description, index, total,
                                   f"Could not remove {description}: {exc}"))
                continue
            undone.append(description)
            emit(ProgressEvent("undo", description, index, total, f"Removed {description}"))
        return undone, left
