"""Wait for a powered-on VCH: the guest's client address, its components started, then the Docker API.

The appliance writes its assigned addresses and each component's ``started`` key into its own VM's
extraConfig (``guestinfo.vice..init.…``); we read them with one property-collector call per poll. Then the
Docker API must answer ``/_ping`` and ``/info`` on ``<client ip>:2376`` (TLS) or ``:2375`` (no TLS).
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Callable

from pyVmomi import vim

from vic_machine.certs import CertBundle
from vic_machine.errors import Cancelled, VicError
from vic_machine.extraconfig import VchConfig, decode
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.session import Session

POLL_SECONDS = 0.1
MAX_POLL_SECONDS = 1.0
REQUEST_TIMEOUT = 5.0


class VchNotReady(VicError):
    """The VCH did not come up (in time, or a component reported a failure)."""

    code = "vch_not_ready"


@dataclass(frozen=True)
class DockerAnswer:
    status: int
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body or b"{}")


def _ssl_context(certs: CertBundle | None) -> ssl.SSLContext:
    """Verify the VCH against its CA under tlsverify (not its name: clients reach it by IP); present our client
    certificate when we hold one. Without client verification the server certificate is self-signed: not checked."""
    if certs is not None and certs.ca_cert and certs.mode == "tlsverify":
        context = ssl.create_default_context(cadata=certs.ca_cert.decode())
        context.check_hostname = False
    else:
        context = ssl._create_unverified_context()  # noqa: S323 - no CA to check against (no-tlsverify)
    if certs is not None and certs.client_cert and certs.client_key:
        # ssl loads a client certificate only from files: a private directory removed right after.
        with tempfile.TemporaryDirectory() as tmp:
            cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
            for path, data in ((cert, certs.client_cert), (key, certs.client_key)):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
            context.load_cert_chain(cert, key)
    return context


def docker_request(address: str, path: str, certs: CertBundle | None, tls: bool = True,
                   timeout: float = REQUEST_TIMEOUT) -> DockerAnswer:
    """GET ``path`` of the Docker API at ``address`` (``host:port``, as in DOCKER_HOST without a scheme)."""
    host, _, port = address.rpartition(":")
    host = host.strip("[]")
    if tls:
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(host, int(port), timeout=timeout,
                                                                        context=_ssl_context(certs))
    else:
        conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        return DockerAnswer(response.status, response.read())
    finally:
        conn.close()


def read_config(session: Session, vm: vim.VirtualMachine) -> VchConfig:
    """The VCH's configuration as stored now (one round trip); secrets left sealed out."""
    props = retrieve_objects(session.content, [vm], ["config.extraConfig"]).get(vm, {})
    return decode(props.get("config.extraConfig") or [])


def wait_for_vch(
    session: Session,
    vm: vim.VirtualMachine,
    certs: CertBundle | None,
    timeout: float,
    cancel_event: threading.Event | None = None,
    say: Callable[[str], None] = lambda message: None,
) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, dict]:
    """Wait until the VCH answers Docker's ``/info``; return its client address and the ``/info`` answer.

    :raise VchNotReady: ``timeout`` seconds passed, or a component reported that it failed to start.
    :raise Cancelled: ``cancel_event`` was set.
    """
    deadline = time.monotonic() + timeout
    delay = POLL_SECONDS
    stage = "the client network address"
    client_ip = None
    said: set[str] = set()
    while True:
        if cancel_event is not None and cancel_event.is_set():
            raise Cancelled()
        if time.monotonic() > deadline:
            raise VchNotReady(f"The VCH did not come up within {timeout:g} s: still waiting for {stage}",
                              remedy="Check the endpoint VM's console and its network in the vSphere Client, "
                                     "or raise --timeout")
        config = read_config(session, vm)
        failed = {name: state for name, state in config.component_states.items() if state not in ("", "true")}
        if failed:
            detail = "; ".join(f"{name}: {state}" for name, state in failed.items())
            raise VchNotReady(f"VCH components failed to start ({detail})",
                              remedy="Look at the VCH's logs through its admin portal (port 2378)")
        client_ip = config.client_ip
        if client_ip is None:
            stage = "the client network address"
        elif not config.components_started:
            stage = "the components to start"
            _say_once(say, said, f"Client address {client_ip}; waiting for the components to start")
        else:
            stage = f"the Docker API on {client_ip}:{config.docker_port}"
            _say_once(say, said, f"Components started; waiting for the Docker API on {client_ip}")
            address = f"{client_ip}:{config.docker_port}"
            try:
                if docker_request(address, "/_ping", certs, config.docker_tls).status == 200:
                    info = docker_request(address, "/info", certs, config.docker_tls)
                    if info.status == 200:
                        return client_ip, info.json()
            except (OSError, ssl.SSLError, http.client.HTTPException, ValueError):
                pass  # not listening yet
        time.sleep(delay)
        delay = min(delay * 1.5, MAX_POLL_SECONDS)


def _say_once(say: Callable[[str], None], said: set[str], message: str) -> None:
    if message not in said:
        said.add(message)
        say(message)
