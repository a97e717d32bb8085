"""A long operation on its own screen: a progress bar and the step log; Ctrl-C or Cancel stops it and shows what
was undone. Subclasses say what runs (:meth:`run`) and what success reads like (:meth:`succeeded`)."""

from __future__ import annotations

import textwrap
import threading
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, ProgressBar, RichLog, Static

from vic_machine.errors import Cancelled, OperationFailed
from vic_machine.operations.plan import ProgressEvent, Sink

from tui.errors import user_message

def wrap_prose(text: str, width: int) -> str:
    """Sentences wrapped to ``width``; indented lines (DOCKER_* variables, paths, undone items) and words longer
    than the width (a path in a sentence) kept whole, so they copy in one piece."""
    if width < 20:
        return text
    out = []
    for line in text.splitlines():
        if line[:1].isspace() or len(line) <= width:
            out.append(line)
        else:
            out += textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [line]
    return "\n".join(out)


_STYLE = {"undo": "yellow", "undo_failed": "bold red", "failed": "bold red", "finished": "bold green"}


def push_operation(app: Any, screen: OperationScreen, done: Any = None) -> None:
    """Show ``screen``; once it is closed, ``done(screen)`` (or, when it asked to run again, the new run)."""

    def ended(result: Any) -> None:
        if isinstance(result, OperationScreen):
            push_operation(app, result, done)
        elif done is not None:
            done(screen)

    app.push_screen(screen, ended)


class OperationScreen(Screen):
    """Runs :meth:`run` in a thread; every progress event lands in the log. Dismissed with :attr:`outcome`, or
    with another operation screen to run in its place (a retry the user asked for)."""

    BINDINGS = [Binding("ctrl+c", "cancel", "Cancel", priority=True), Binding("escape", "close", "Close")]
    HELP_TITLE = "Progress of an operation"
    NOTHING_DONE = "Nothing had been done."

    def __init__(self, backend, title: str, *, back_label: str = "Close") -> None:
        super().__init__()
        self.backend = backend
        self.heading = title
        self.back_label = back_label
        self.cancel_event = threading.Event()
        self.finished = False
        self.ok = False
        self.error: BaseException | None = None
        self.outcome_text = ""
        self.outcome = ""  # what succeeded() says, "failed" or "cancelled", once finished

    def run(self, sink: Sink, cancel_event: threading.Event) -> Any:
        """The operation (blocking, in a worker thread). :raise OperationFailed: with what was undone."""
        raise NotImplementedError

    def succeeded(self, result: Any) -> tuple[str, str]:
        """The outcome word and the text shown once :meth:`run` returned ``result``."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(self.heading, id="progress-title")
        yield ProgressBar(id="progress", show_eta=False)
        yield RichLog(id="step-log", wrap=True, markup=False)
        # Never wrapped, so endpoints, DOCKER_* lines and paths copy in one piece; it scrolls both ways.
        with VerticalScroll(id="outcome-box"):
            yield Static("", id="outcome", markup=False)
        with Horizontal(id="progress-buttons"):
            yield Button("Cancel", id="cancel", variant="error", compact=True)
            yield Button("Close", id="close", variant="primary", disabled=True, compact=True)
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return not self.finished
        if action == "close":
            return self.finished
        return True

    def on_mount(self) -> None:
        self.run_operation()

    @work(thread=True, exclusive=True)
    def run_operation(self) -> None:
        def sink(event: ProgressEvent) -> None:
            self.app.call_from_thread(self.show_event, event)

        try:
            result = self.run(sink, self.cancel_event)
        except OperationFailed as exc:
            self.error = exc
            self.app.call_from_thread(self._failed, exc)
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.error = exc
            self.app.call_from_thread(self._ended, "failed", user_message(exc))
        else:
            self.app.call_from_thread(lambda: self._ended(*self.succeeded(result), ok=True))

    def show_event(self, event: ProgressEvent) -> None:
        bar = self.query_one(ProgressBar)
        log = self.query_one(RichLog)
        if event.kind == "start":
            bar.update(total=event.total, progress=0)
        elif event.kind == "step" and event.message == event.step:
            log.write(Text(f"[{event.index}/{event.total}] {event.step}", style="bold"))
        elif event.kind == "done":
            bar.update(progress=event.index)
        elif event.kind == "undo":
            log.write(Text(f"  ↶ {event.message}", style=_STYLE["undo"]))
        elif event.kind != "step" or event.message:
            log.write(Text(f"    {event.message}", style=_STYLE.get(event.kind, "")))

    def _failed(self, exc: OperationFailed) -> None:
        cancelled = isinstance(exc.cause, Cancelled)
        head = "Cancelled" if cancelled else f"Failed at step '{exc.step}': {user_message(exc.cause)}"
        lines = [head + (". Everything done was undone:" if exc.undone and not exc.left else ".")]
        lines += [f"  ↶ {item}" for item in exc.undone]
        if exc.left:
            lines.append("Left behind, remove by hand:")
            lines += [f"  ✗ {item}" for item in exc.left]
        if not exc.undone and not exc.left:
            lines.append(self.NOTHING_DONE)
        self._ended("cancelled" if cancelled else "failed", "\n".join(lines))

    def _ended(self, outcome: str, text: str, ok: bool = False) -> None:
        self.finished = True
        self.ok = ok
        self.outcome = outcome
        self.outcome_text = text
        outcome_widget = self.query_one("#outcome", Static)
        self._show_outcome()
        outcome_widget.set_classes("-succeeded" if ok else f"-{outcome}")
        self.query_one("#cancel", Button).display = False
        close = self.query_one("#close", Button)
        close.disabled = False
        close.label = "Close" if ok else self.back_label
        close.focus()
        self.refresh_bindings()

    def _show_outcome(self) -> None:
        box = self.query_one("#outcome-box")
        self.query_one("#outcome", Static).update(wrap_prose(self.outcome_text, box.content_region.width - 1))

    def on_resize(self) -> None:
        if self.finished:
            self.call_after_refresh(self._show_outcome)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.finished or self.cancel_event.is_set():
            return
        self.cancel_event.set()
        self.query_one("#cancel", Button).disabled = True
        self.query_one(RichLog).write(Text("Cancelling: undoing what was done…", style="bold yellow"))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if self.finished:
            self.dismiss(self.outcome)

    def close(self) -> None:
        self.action_close()
