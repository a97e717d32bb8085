"""A gunicorn worker of ``vic-plugin serve``: what it loaded before serving stays out of the collector's full passes."""

import gc
import os
from types import SimpleNamespace

from gunicorn.workers.gthread import ThreadWorker

from plugin_server import serve


def test_a_worker_freezes_what_it_loaded_before_it_serves(monkeypatch):
    served = []
    monkeypatch.setattr(ThreadWorker, "run", lambda self: served.append(gc.get_freeze_count()))
    monkeypatch.setattr(serve.os, "_exit", lambda code: served.append(("exit", code)))
    worker = object.__new__(serve.DrainingWorker)  # gunicorn's arbiter would give it sockets; run() needs none
    worker.ppid, worker.cfg = os.getppid(), SimpleNamespace(graceful_timeout=2)
    assert gc.get_freeze_count() == 0
    try:
        worker.run()
    finally:
        gc.unfreeze()
    # Frozen before serving: the app and pyVmomi's types are not searched for cycles again and again under load.
    assert served[0] > 10_000
    assert served[-1] == ("exit", 0)
