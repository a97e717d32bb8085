"""A minimal Docker Engine API, as a VCH's docker-personality answers it (simulation; no containers run).

Answers ``/_ping``, ``/version`` and ``/info`` (also under a ``/v1.xx`` prefix) on the VCH's address: over
TLS with the VCH's own server certificate on 2376 — requiring a client certificate signed by one of the VCH's
CAs under tlsverify — or plain HTTP on 2375 when the VCH has no server certificate. Everything else is 404.

``/info`` carries what VIC 1.5's ``vic-machine create`` polls for: a ``SystemStatus`` entry named after the
``Driver`` whose value is ``RUNNING`` (``info_reports_running``), and the ``VolumeStores`` entry listing the
volume store labels that came online (here: all configured ones).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger("sim.appliance")

ENGINE_VERSION = "1.13-vic-sim"
API_VERSION = "1.25"
MIN_API_VERSION = "1.19"
DRIVER = "vSphere Integrated Containers Backend Engine (simulated)"
RUNNING = "RUNNING"
VOLUME_STORES = "VolumeStores"
SIMULATION_NOTE = (
    "Simulated by vic-plugin's VCH appliance stand-in (sim/appliance) for tests and make run: "
    "not VMware's appliance and not a Docker engine; no containers run here."
)
_VERSION_PREFIX = re.compile(r"^/v\d+(?:\.\d+)?(?=/)")
_HANDSHAKE_TIMEOUT = 5.0


@dataclass(frozen=True)
class EngineFacts:
    """What the Docker API reports about one VCH."""

    name: str
    vch_id: str
    volume_stores: tuple[str, ...] = ()
    cpus: int = 1
    memory_mb: int = 2048


def version_document() -> dict[str, Any]:
    """The ``/version`` answer."""
    return {
        "Version": ENGINE_VERSION,
        "ApiVersion": API_VERSION,
        "MinAPIVersion": MIN_API_VERSION,
        "GitCommit": "simulated",
        "GoVersion": "none (simulated)",
        "Os": "linux",
        "Arch": "amd64",
        "KernelVersion": "none (simulated)",
        "Experimental": False,
        "Components": [{"Name": "Engine", "Version": ENGINE_VERSION, "Details": {"Note": SIMULATION_NOTE}}],
        "Simulated": True,
        "Note": SIMULATION_NOTE,
    }


def info_document(facts: EngineFacts) -> dict[str, Any]:
    """The ``/info`` answer: the VCH's name, the backend driver reported RUNNING, its volume stores."""
    status = [[VOLUME_STORES, " ".join(facts.volume_stores)], [DRIVER, RUNNING]]
    return {
        "ID": facts.vch_id,
        "Name": facts.name,
        "Containers": 0,
        "ContainersRunning": 0,
        "ContainersPaused": 0,
        "ContainersStopped": 0,
        "Images": 0,
        "Driver": DRIVER,
        # VIC 1.5's create reads SystemStatus; `docker info` shows DriverStatus. Both say the same.
        "DriverStatus": status,
        "SystemStatus": status,
        "ServerVersion": ENGINE_VERSION,
        "OperatingSystem": "VMware vSphere Integrated Containers (simulated appliance)",
        "OSType": "linux",
        "Architecture": "x86_64",
        "KernelVersion": "none (simulated)",
        "NCPU": facts.cpus,
        "MemTotal": facts.memory_mb * 1024 * 1024,
        "IndexServerAddress": "https://index.docker.io/v1/",
        "Labels": [],
        "Debug": False,
        "ExperimentalBuild": False,
        "Simulated": True,
        "Note": SIMULATION_NOTE,
    }


def info_reports_running(info: dict[str, Any]) -> bool:
    """VIC 1.5's readiness rule for ``/info``: the ``SystemStatus`` entry named after ``Driver`` is RUNNING."""
    driver = info.get("Driver")
    for entry in info.get("SystemStatus") or []:
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == driver:
            return entry[1] == RUNNING
    return False


def server_tls_context(cert_pem: bytes, key_pem: bytes, client_cas_pem: bytes = b"") -> ssl.SSLContext:
    """A TLS server context with the VCH's certificate (and the chain after it); with ``client_cas_pem`` clients
    must present a certificate one of those CAs signed, valid now and not restricted to other uses than client
    authentication, or the handshake fails (tlsverify: what the appliance's RequireAndVerifyClientCert does).

    TLS 1.2 only, as VIC 1.5's appliance (built with Go 1.8) speaks it: a client without an acceptable
    certificate is refused during the handshake. Callers may raise ``maximum_version`` to try TLS 1.3, where the
    refusal comes right after it.

    :raise ssl.SSLError: the certificate or key does not load.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    # The ssl module loads a certificate chain only from files: a private directory, removed at once.
    directory = tempfile.mkdtemp(prefix="vch-tls-")
    try:
        cert_file, key_file = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
        for path, content in ((cert_file, cert_pem), (key_file, key_pem)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(content)
        context.load_cert_chain(cert_file, key_file)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    if client_cas_pem:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cadata=client_cas_pem.decode("ascii", errors="replace"))
    return context


class _Handler(BaseHTTPRequestHandler):
    server: _EngineServer
    server_version = f"Docker/{ENGINE_VERSION}"
    sys_version = "(linux; simulated)"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = _VERSION_PREFIX.sub("", urlsplit(self.path).path).rstrip("/") or "/"
        if path == "/_ping":
            self._send(200, b"OK", "text/plain; charset=utf-8")
        elif path == "/version":
            self._send_json(200, version_document())
        elif path == "/info":
            self._send_json(200, info_document(self.server.facts))
        else:
            self._send_json(404, {"message": "page not found (simulated engine serves /_ping, /version, /info)"})

    def do_HEAD(self) -> None:  # noqa: N802 - Docker clients ping with HEAD
        path = _VERSION_PREFIX.sub("", urlsplit(self.path).path)
        self._send(200 if path == "/_ping" else 404, b"", "text/plain; charset=utf-8")

    def _send_json(self, status: int, body: dict[str, Any]) -> None:
        self._send(status, json.dumps(body).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Api-Version", API_VERSION)
        self.send_header("Docker-Experimental", "false")
        self.send_header("OSType", "linux")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        log.debug("%s %s", self.server.facts.name, format % args)


class _EngineServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], facts: EngineFacts, tls: ssl.SSLContext | None) -> None:
        self.facts = facts
        self.tls = tls
        super().__init__(address, _Handler)

    def finish_request(self, request: socket.socket, client_address: Any) -> None:
        # The TLS handshake runs here, in the connection's own thread, so a client that never completes it
        # cannot hold up the accept loop.
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(_HANDSHAKE_TIMEOUT)
        try:
            secure = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            log.debug("%s: TLS handshake with %s refused: %s", self.facts.name, client_address[0], exc)
            return
        try:
            self.RequestHandlerClass(secure, client_address, self)
        finally:
            secure.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("%s: connection from %s failed", self.facts.name, client_address[0], exc_info=True)


class DockerEndpoint:
    """One VCH's Docker API on ``address:port``; ``start`` binds (raising OSError if taken), ``stop`` closes."""

    def __init__(self, address: str, port: int, facts: EngineFacts, tls: ssl.SSLContext | None) -> None:
        self.address = address
        self.port = port
        self.facts = facts
        self.tls = tls
        self._server: _EngineServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.address}:{self.port}"

    def start(self) -> None:
        """Bind and serve in a background thread.

        :raise OSError: the address is taken (EADDRINUSE) or cannot be bound.
        """
        self._server = _EngineServer((self.address, self.port), self.facts, self.tls)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"docker-api-{self.facts.name}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting and close the listening socket; safe to call twice."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
