"""Production serving: gunicorn with threads, HTTPS always (TLS 1.2 with AEAD suites only, and TLS 1.3).

Shutdown is bounded and leaves nothing running unseen:

- **SIGTERM** (to the master, which passes it on, or to a worker): the worker stops accepting, then
  ``Operations.drain`` lets running operations finish for half of ``graceful_timeout``, cancels those still running
  (their undo runs), and at the deadline hands back any left as failed, in vCenter too, with what the VCH is left
  as. Then it logs out every vCenter session it holds and exits, within ``graceful_timeout`` (after which the master
  would kill it anyway).
- **The master gone** (``kill -9``): a worker whose parent changed does the same and exits, instead of lingering as
  an orphan holding vCenter sessions. gunicorn notices within a second; a watchdog thread makes sure of it.
- **A worker killed** (``kill -9``): nothing can run in it; its operations' heartbeats stop, and any replica reads
  them as failed (``plugin_server.tasks``).

Sized to the machine by default: one worker per usable core (a worker's Python runs on one core at a time) and
``THREADS`` threads in each (they mostly wait on vCenter or hold event streams). Several instances on one host
(replicas behind a load balancer) share nothing: gunicorn's control socket, one fixed path per user, is off.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from plugin_server.tls import TLS12_CIPHERS, harden

log = logging.getLogger(__name__)

GRACEFUL_TIMEOUT = 30
THREADS = 32


def default_workers() -> int:
    """One worker per core this process may run on (its CPU affinity, as a container or taskset limits it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
# Kept for the worker's own exit after the drain (logging out, closing sockets) within the master's grace.
EXIT_MARGIN = 3.0


def _hardened_context(config, default_ssl_context_factory):
    return harden(default_ssl_context_factory())


class DrainingWorker(ThreadWorker):
    """gunicorn's threaded worker that drains its operations on shutdown and never outlives its master."""

    _drained: threading.Thread | None = None

    def _app(self) -> Flask | None:
        app = getattr(self, "wsgi", None)
        return app if isinstance(app, Flask) else None

    def _start_drain(self, why: str) -> None:
        if self._drained is not None:
            return
        self.alive = False
        log.info("worker %s shutting down (%s): draining operations", os.getpid(), why)
        self._drained = threading.Thread(target=self._drain, name="drain", daemon=True)
        self._drained.start()

    def _drain(self) -> None:
        app = self._app()
        if app is None:
            return
        budget = max(1.0, float(self.cfg.graceful_timeout) - EXIT_MARGIN)
        handed = app.extensions["vic_operations"].drain(budget)
        for op_id in handed:
            log.warning("operation %s handed back as failed: the server stopped before it ended", op_id)

    def handle_exit(self, sig, frame) -> None:
        super().handle_exit(sig, frame)
        self._start_drain("SIGTERM")

    def _watch_parent(self) -> None:
        while self._drained is None:
            if os.getppid() != self.ppid:
                self._start_drain("its master is gone")
                return
            time.sleep(0.5)

    def run(self) -> None:
        # Everything loaded so far (the app, pyVmomi's thousands of types) lives as long as the worker: frozen, the
        # collector's full passes leave it out. Under 50 clients they took up to 80 ms each, holding the GIL, every
        # request of the worker waiting: a p99 of its own.
        gc.freeze()
        threading.Thread(target=self._watch_parent, name="parent watchdog", daemon=True).start()
        try:
            super().run()
        finally:
            self._start_drain("stopped")
            self._drained.join(max(1.0, float(self.cfg.graceful_timeout) - 1.0))
            app = self._app()
            if app is not None:
                app.extensions["vic_sessions"].close()
            log.info("worker %s exits", os.getpid())
            for handler in logging.getLogger().handlers:
                try:
                    handler.flush()
                except Exception:  # noqa: BLE001 - exiting anyway
                    pass
            # Threads of streams that never end must not keep the process alive (Python joins them at exit).
            os._exit(0)


class PluginServer(BaseApplication):
    """gunicorn run in-process, configured from code instead of a config file."""

    def __init__(self, app: Flask, bind: str, certfile: str, keyfile: str, workers: int | None = None,
                 threads: int = THREADS, graceful_timeout: int = GRACEFUL_TIMEOUT):
        self._app = app
        self._options = {
            "bind": bind,
            "certfile": certfile,
            "keyfile": keyfile,
            "workers": workers or default_workers(),
            "threads": threads,
            "worker_class": "plugin_server.serve.DrainingWorker",
            # TLS 1.2 with AEAD suites only, and TLS 1.3 (plugin_server.tls.harden).
            "ciphers": TLS12_CIPHERS,
            "ssl_context": _hardened_context,
            # Server-sent event streams stay open as long as an operation runs.
            "timeout": 0,
            # SIGTERM: running operations finish, are cancelled, or are handed back within this many seconds.
            "graceful_timeout": graceful_timeout,
            "accesslog": "-",
            # The path without its query string: a vSphere Client session token may travel as a query parameter.
            "access_log_format": '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss',
            "loglevel": "info",
            # gunicorn's control socket is one path per user ($XDG_RUNTIME_DIR or ~/.gunicorn/gunicorn.ctl):
            # a second instance on the host would take it over from the first. Nothing here uses it.
            "control_socket_disable": True,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app
