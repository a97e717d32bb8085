"""Signals around long operations: a cancel stops forward work only; undo always runs to its end.

- :func:`shielded` (used by every rollback): while undo runs in the main thread, SIGINT, SIGTERM and SIGHUP are
  noted instead of acted on, so a second Ctrl-C, a ``kill`` or a closed terminal cannot cut an undo short; the
  operation then ends as cancelled, as it was going to.
- :func:`cancel_on_signals` (used by the CLI around an operation): SIGTERM and SIGHUP stop the operation the way
  Ctrl-C does (a ``KeyboardInterrupt`` in the main thread, which the plan turns into a cancel and a rollback),
  instead of killing the process half way. After a hang-up the terminal is gone: output is then dropped rather
  than failing the undo.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None),
                            getattr(signal, "SIGHUP", None)) if s is not None)

_state = threading.local()


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def shielded(note: Callable[[int], None] | None = None) -> Iterator[list[int]]:
    """Defer SIGINT, SIGTERM and SIGHUP while the block runs (main thread only; elsewhere signals never land).

    :param note: called (outside the signal handler's frame as far as Python allows) with each signal deferred.
    :yield: the signals received meanwhile, in order.
    """
    received: list[int] = []
    if not _main_thread() or getattr(_state, "shielding", False):
        yield received
        return
    previous: dict[int, object] = {}

    def defer(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
        received.append(signum)
        if note is not None:
            try:
                note(signum)
            except Exception:  # noqa: BLE001 - a note must never break the undo it is about
                pass

    try:
        for signum in SIGNALS:
            try:
                previous[signum] = signal.signal(signum, defer)
            except (ValueError, OSError):
                continue
        _state.shielding = True
        yield received
    finally:
        _state.shielding = False
        for signum, handler in previous.items():
            try:
                signal.signal(signum, handler)
            except (ValueError, OSError):
                pass


def shielding() -> bool:
    """True while :func:`shielded` defers signals in this thread."""
    return bool(getattr(_state, "shielding", False))


class HungUp:
    """Whether the terminal went away (SIGHUP): output after that is dropped."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def __bool__(self) -> bool:
        return self.event.is_set()


@contextmanager
def cancel_on_signals(hung_up: HungUp | None = None) -> Iterator[HungUp]:
    """Within the block, SIGTERM and SIGHUP interrupt the main thread as Ctrl-C does (the operation is cancelled
    and undone); after a SIGHUP, stdout and stderr are pointed at /dev/null so the undo's messages cannot fail.
    Outside the main thread this does nothing."""
    hung_up = hung_up or HungUp()
    if not _main_thread():
        yield hung_up
        return
    previous: dict[int, object] = {}

    def interrupt(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
        if signum == getattr(signal, "SIGHUP", None):
            hung_up.event.set()
            silence_terminal()
        raise KeyboardInterrupt(signal.Signals(signum).name)

    try:
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            try:
                previous[signum] = signal.signal(signum, interrupt)
            except (ValueError, OSError):
                continue
        yield hung_up
    finally:
        for signum, handler in previous.items():
            try:
                signal.signal(signum, handler)
            except (ValueError, OSError):
                pass


def silence_terminal() -> None:
    """The terminal is gone: writes to it would fail (EIO) or block. Send them nowhere."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - the terminal is gone: nothing to flush to
            pass
        try:
            os.dup2(null, stream.fileno())
        except (OSError, ValueError, AttributeError):
            pass
    os.close(null)
