"""SIGTERM, SIGHUP and SIGINT while ``vic-tui`` runs: every running operation is cancelled and undone, and the TUI
quits once each undo has finished, instead of dying half way and leaving a VCH nobody made on purpose.

Undo runs in the operation's worker thread, so these signals (always delivered to the main thread) can only
cancel forward work. After a hang-up the terminal is gone: output is sent to /dev/null so drawing cannot fail.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from vic_machine.operations.interrupts import silence_terminal

SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None),
                            getattr(signal, "SIGINT", None)) if s is not None)
# Thread workers of these groups change vCenter and cannot be cancelled; quitting waits for them too.
UNCANCELLABLE_GROUPS = ("delete",)


class StopOnSignals:
    """Installed on the app's event loop while it runs (main thread only; elsewhere it does nothing)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.received: list[int] = []
        self._installed: list[int] = []

    def install(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for signum in SIGNALS:
            try:
                loop.add_signal_handler(signum, self._on_signal, signum)
            except (ValueError, RuntimeError, NotImplementedError):
                continue  # not the main thread, or no signals here
            self._installed.append(signum)

    def remove(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for signum in self._installed:
            loop.remove_signal_handler(signum)
        self._installed.clear()

    def _on_signal(self, signum: int) -> None:
        first = not self.received
        self.received.append(signum)
        if signum == getattr(signal, "SIGHUP", None) and not self.app.is_headless:
            silence_terminal()
        for screen in self.running():
            screen.action_cancel()  # a second signal changes nothing: the undo runs on
        if first:
            self.app.set_interval(0.1, self._quit_when_idle)
            self._quit_when_idle()

    def running(self) -> list[Any]:
        """The operation screens whose operation has not ended."""
        from tui.screens.operation import OperationScreen

        return [s for s in self.app.screen_stack if isinstance(s, OperationScreen) and not s.finished]

    def _busy(self) -> bool:
        if self.running():
            return True
        return any(w.group in UNCANCELLABLE_GROUPS and not w.is_finished for w in self.app.workers)

    def _quit_when_idle(self) -> None:
        if not self._busy():
            self.app.exit(return_code=128 + self.received[0])


class _GoneTerminalTolerant:
    """The driver's output file: once the terminal is gone (EIO, a closed pipe), writes are dropped. Without this
    a write in the moment between the hang-up and its signal stops Textual's output thread, and the app then
    blocks for ever on its full queue while quitting."""

    def __init__(self, file: Any) -> None:
        self._file = file

    def write(self, text: str) -> int:
        try:
            return self._file.write(text)
        except OSError:
            return len(text)

    def flush(self) -> None:
        try:
            self._file.flush()
        except OSError:
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


def driver_class(base: type) -> type:
    """``base`` (Textual's driver for this platform) writing through :class:`_GoneTerminalTolerant`."""

    class HangUpSafeDriver(base):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if getattr(self, "_file", None) is not None:
                self._file = _GoneTerminalTolerant(self._file)

    return HangUpSafeDriver
