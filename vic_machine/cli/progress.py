"""A rich progress bar fed by plan progress events (the CLI's sink for create and delete)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from vic_machine.operations.plan import ProgressEvent


class ProgressBar:
    """``with ProgressBar() as bar: operation(sink=bar)``: one bar over the steps, each message printed above.

    With ``quiet`` (JSON output) nothing is drawn, so stdout stays machine-readable.
    """

    def __init__(self, quiet: bool = False) -> None:
        self.console = Console(stderr=True)
        self.quiet = quiet
        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                  MofNCompleteColumn(), TimeElapsedColumn(), console=self.console, transient=True)
        self._task = None

    def __enter__(self) -> ProgressBar:
        if not self.quiet:
            self._progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self.quiet:
            self._progress.stop()

    def __call__(self, event: ProgressEvent) -> None:
        if self.quiet:
            return
        if self._task is None:
            self._task = self._progress.add_task(event.step, total=max(event.total, 1))
        if event.kind == "step" and event.message == event.step:
            self._progress.update(self._task, description=event.step, completed=event.index - 1)
        elif event.kind == "step":
            self._progress.console.print(f"  {event.message}", highlight=False)
        elif event.kind == "done":
            self._progress.update(self._task, completed=event.index)
        elif event.kind in ("undo", "undo_failed", "failed"):
            style = "yellow" if event.kind == "undo" else "red"
            self._progress.console.print(f"[{style}]  {event.message}[/]", highlight=False)
        elif event.kind == "finished":
            self._progress.update(self._task, completed=event.total)
