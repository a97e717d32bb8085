"""Everything the views need, on this machine: simulator, appliance stand-in, plug-in server (HTTPS, registered),
and the vSphere Client stand-in.

For ``make run``, the browser tests, ``tools/screenshots.py`` and ``bench/ui.py``. The plug-in server runs
in-process on werkzeug's threaded server with a fresh self-signed certificate (production uses gunicorn).
"""

from __future__ import annotations

import logging
import shutil
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from plugin_server.app import create_app
from plugin_server.manifest_package import LEGACY_MANIFEST, MULTI_MANIFEST_ZIP
from plugin_server.tls import certificate_thumbprint, ensure_certificate
from sim.client import RunningClient, start_client
from plugin_server.registration import register
from sim.appliance import ApplianceStandIn
from sim.client.vcenter import login
from sim.isos import ensure_isos
from sim.runner import Simulator


@dataclass
class Stack:
    """The running pieces and their addresses."""

    sim: Simulator
    plugin_url: str  # plugin.json's URL: the base of the server's paths (the registration names the zip beside it)
    plugin_thumbprint: str
    client: RunningClient
    _stops: list[Any] = field(default_factory=list)

    @property
    def client_url(self) -> str:
        return self.client.url

    def stop(self) -> None:
        """Stop what this stack started (the simulator too, unless it was given)."""
        self.client.stop()
        for stop in reversed(self._stops):
            stop()


def start_plugin_server(sim: Simulator, state_dir: Path, **config: Any) -> tuple[str, str, Any]:
    """Serve the plug-in server over HTTPS for ``sim``; returns (plugin.json URL, thumbprint, stop)."""
    cert, key = ensure_certificate(state_dir, "127.0.0.1")
    settings = {"VCENTER_THUMBPRINTS": {f"{sim.host}:{sim.port}": sim.thumbprint_sha256},
                "CLONE_TICKET_URL": "https://{target}/api/ui/vcenter/session/clone-ticket",
                "ISO_DIR": str(ensure_isos(state_dir / "isos")[0].parent)}
    settings.update(config)
    app = create_app(settings)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, name="plugin-server", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"https://127.0.0.1:{server.server_port}/plugin.json", certificate_thumbprint(cert), stop


def start_stack(sim: Simulator | None = None, release: str = "8.0", **config: Any) -> Stack:
    """Start (or reuse ``sim``), serve and register the plug-in (its multi-manifest, as for a real vCenter), and
    start the stand-in playing the vSphere Client ``release``."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
    stops: list[Any] = []
    if sim is None:
        sim = Simulator.start()
        stops.append(sim.stop)
    state_dir = Path(tempfile.mkdtemp(prefix="vic-plugin-"))
    stops.append(lambda: shutil.rmtree(state_dir, ignore_errors=True))
    appliance = ApplianceStandIn.for_simulator(sim, boot_delay=0.3).start()
    stops.append(appliance.stop)
    url, thumbprint, stop_server = start_plugin_server(sim, state_dir, **config)
    stops.append(stop_server)
    admin = login(sim.host, sim.port, sim.thumbprint_sha256, sim.username, sim.password)
    try:
        register(admin, url.replace(LEGACY_MANIFEST, MULTI_MANIFEST_ZIP), thumbprint, force=True)
    finally:
        admin.logout()
    client = start_client(sim.host, sim.port, sim.thumbprint_sha256, default_user=sim.username, release=release)
    return Stack(sim, url, thumbprint, client, stops)
