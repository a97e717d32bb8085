"""What an event stream needs to behave behind proxies: noticing its client went away, and reading vCenter
without holding up its keep-alives."""

from __future__ import annotations

import logging
import select
import threading
from typing import Callable

log = logging.getLogger(__name__)


class ClientSocket:
    """The connection a stream writes to (gunicorn's ``environ["gunicorn.socket"]``; None elsewhere: never gone).

    Once a server-sent event stream has started, a client sends nothing more on its connection (HTTP/1.1, no
    pipelining behind a stream), so the socket turning readable means the peer closed it (EOF, reset, or TLS's
    close_notify before its FIN). Writing would notice too, but only at the next keep-alive, and through TLS often
    only at the one after: until then a gone client holds a worker thread and a stream slot.
    """

    def __init__(self, sock) -> None:
        self._sock = sock
        self._gone = False

    def gone(self) -> bool:
        if self._gone or self._sock is None:
            return self._gone
        try:
            readable, _, broken = select.select([self._sock], [], [self._sock], 0)
        except (OSError, ValueError):  # closed under us
            readable, broken = [self._sock], []
        self._gone = bool(readable or broken)
        return self._gone


class TaskPoller:
    """Calls ``read`` every ``interval`` seconds in a thread of its own; :meth:`next` hands over the newest answer.
    ``read`` answering None (the task vanished) ends it with :attr:`GONE`."""

    GONE = object()

    def __init__(self, read: Callable[[], object], interval: float) -> None:
        self._read = read
        self._interval = interval
        self._latest: object = None
        self._fresh = False
        self._stopped = threading.Event()
        self._changed = threading.Condition()
        threading.Thread(target=self._run, daemon=True, name="task poller").start()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                answer = self._read()
            except Exception as exc:  # noqa: BLE001 - a failed read is retried at the next interval
                log.info("reading an operation's task failed: %s", exc)
            else:
                with self._changed:
                    self._latest, self._fresh = (self.GONE if answer is None else answer), True
                    self._changed.notify_all()
                if answer is None:
                    return
            self._stopped.wait(self._interval)

    def next(self, timeout: float) -> object:
        """The newest answer not handed over yet, waiting up to ``timeout`` for one; None when none came."""
        with self._changed:
            if not self._fresh:
                self._changed.wait(timeout)
            if not self._fresh:
                return None
            self._fresh = False
            return self._latest

    def stop(self) -> None:
        self._stopped.set()
