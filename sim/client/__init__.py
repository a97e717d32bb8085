"""The vSphere Client stand-in (not the vSphere Client): hosts our plug-in's views for ``make run`` and e2e.

``start_client(host, port, thumbprint)`` serves it on a free port in a thread; ``python -m sim.client`` runs it
in the foreground. See :mod:`sim.client.app`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, make_server

from sim.client.app import ClientConfig, create_client_app

__all__ = ["RunningClient", "start_client"]


@dataclass
class RunningClient:
    """A stand-in serving in a background thread."""

    url: str
    server: BaseWSGIServer
    thread: threading.Thread

    def stop(self) -> None:
        """Stop serving; safe to call twice."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_client(host: str, port: int, thumbprint: str, *, listen: str = "127.0.0.1:0",
                 default_user: str = "", extension_key: str = "com.vmware.vic",
                 release: str = "8.0") -> RunningClient:
    """Serve the stand-in for the vCenter at ``host:port`` (certificate pinned by ``thumbprint``), applying the
    manifest rules of the vSphere Client ``release`` ("8.0" or "7.0u2")."""
    config = ClientConfig(host=host, port=port, thumbprint=thumbprint, extension_key=extension_key,
                          default_user=default_user, release=release)
    bind_host, _, bind_port = listen.rpartition(":")
    server = make_server(bind_host or "127.0.0.1", int(bind_port or 0), create_client_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="vsphere-client-stand-in", daemon=True)
    thread.start()
    return RunningClient(f"http://{bind_host or '127.0.0.1'}:{server.server_port}", server, thread)
