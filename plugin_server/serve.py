"""Production serving: gunicorn with threads, HTTPS always (TLS 1.2 with AEAD suites only, and TLS 1.3)."""

from __future__ import annotations

from flask import Flask
from gunicorn.app.base import BaseApplication

from plugin_server.tls import TLS12_CIPHERS, harden


def _hardened_context(config, default_ssl_context_factory):
    return harden(default_ssl_context_factory())


class PluginServer(BaseApplication):
    """gunicorn run in-process, configured from code instead of a config file."""

    def __init__(self, app: Flask, bind: str, certfile: str, keyfile: str, workers: int = 1, threads: int = 32):
        self._app = app
        self._options = {
            "bind": bind,
            "certfile": certfile,
            "keyfile": keyfile,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            # TLS 1.2 with AEAD suites only, and TLS 1.3 (plugin_server.tls.harden).
            "ciphers": TLS12_CIPHERS,
            "ssl_context": _hardened_context,
            # Server-sent event streams stay open as long as an operation runs.
            "timeout": 0,
            "accesslog": "-",
            # The path without its query string: a vSphere Client session token may travel as a query parameter.
            "access_log_format": '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss',
            "loglevel": "info",
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app
