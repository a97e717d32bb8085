"""Wait for a powered-on VCH: the guest's client address, its components started, then the Docker API.

The appliance writes its assigned addresses and each component's ``started`` key into its own VM's
extraConfig (``guestinfo.vice..init.…``); we read them with one property-collector call per poll. Then the
Docker API must answer ``/_ping`` and ``/info`` on ``<client ip>:2376`` (TLS) or ``:2375`` (no TLS). Over TLS the
VCH must present the server certificate it was configured with. When it requires client certificates and none is
held here (the user's own client CAs), its refusal of a client without one counts as up, as in vic-machine 1.5.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import socket
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


# The alerts a TLS server sends a client that presents no certificate when one is required: certificate_required
# (TLS 1.3), bad_certificate (Go's TLS 1.2, as VIC 1.5's appliance) and handshake_failure (OpenSSL's TLS 1.2).
_CLIENT_CERT_REFUSALS = frozenset({
    "TLSV13_ALERT_CERTIFICATE_REQUIRED", "SSLV3_ALERT_BAD_CERTIFICATE", "SSLV3_ALERT_HANDSHAKE_FAILURE",
})
_REFUSAL_WAIT = 2.0


class ClientCertificateRefused(Exception):
    """The VCH, having proved itself with its own server certificate, turned us away for want of a client
    certificate its CAs signed: its Docker API is up, but cannot be asked anything without one."""


class WrongServerCertificate(ssl.SSLError):
    """The server at the VCH's address did not present the VCH's server certificate (or, where it must verify,
    that certificate does not verify as a server's)."""


def _leaf_pem(pem: bytes) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    from vic_machine.certs import load_certificates

    return load_certificates(pem, check_dates=False)[0].public_bytes(Encoding.PEM)


def _ssl_context(certs: CertBundle | None, *, anchor: bytes | None = None, verify: bool = True) -> ssl.SSLContext:
    """The client side of a connection to a VCH's Docker API; names are never checked (clients reach a VCH by IP).

    :param anchor: a server certificate (PEM) that is the only trust anchor: the server must present it, valid
        now and usable by a TLS server, whoever issued it.
    :param verify: without ``anchor``, verify the server against the bundle's CA under tlsverify; False (or no
        CA): not at all, the caller compares what it got.
    Our client certificate is presented when the bundle holds one."""
    if anchor:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.load_verify_locations(cadata=_leaf_pem(anchor).decode("ascii"))
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # the leaf itself is the anchor
    elif verify and certs is not None and certs.ca_cert and certs.mode == "tlsverify":
        context = ssl.create_default_context(cadata=certs.ca_cert.decode())
        context.check_hostname = False
    else:
        context = ssl._create_unverified_context()  # noqa: S323 - nothing to verify against, or pinned by the caller
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
                   timeout: float = REQUEST_TIMEOUT, *, pin: bytes | None = None) -> DockerAnswer:
    """GET ``path`` of the Docker API at ``address`` (``host:port``, as in DOCKER_HOST without a scheme).

    :param pin: the server certificate (PEM) the VCH must present, compared byte for byte instead of verified
        (no CA, date or usage check, as a ``--tls`` client without verification, but only that certificate).
    :raise WrongServerCertificate: another certificate than ``pin`` was presented.
    """
    host, _, port = address.rpartition(":")
    host = host.strip("[]")
    if tls:
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, int(port), timeout=timeout, context=_ssl_context(certs, verify=pin is None))
    else:
        conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        if tls and pin:
            conn.connect()
            presented = conn.sock.getpeercert(binary_form=True)  # type: ignore[union-attr]
            if ssl.DER_cert_to_PEM_cert(presented).encode() != _leaf_pem(pin):
                raise WrongServerCertificate("the server presented another certificate than the VCH's")
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        return DockerAnswer(response.status, response.read())
    finally:
        conn.close()


def _check_refusal(address: str, pin: bytes, timeout: float) -> None:
    """Shake hands without a client certificate, the VCH's own as the only trust anchor, and send nothing; raise
    ClientCertificateRefused when the VCH refuses us for the missing certificate — during the handshake (TLS 1.2)
    or right after it (TLS 1.3). Returns when it lets us in.

    :raise WrongServerCertificate: the server's certificate is not the VCH's (checked before any refusal counts).
    """
    host, _, port = address.rpartition(":")
    context = _ssl_context(None, anchor=pin)
    with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout) as raw:
        try:
            with context.wrap_socket(raw) as tls:
                tls.settimeout(_REFUSAL_WAIT)
                try:
                    tls.recv(1)
                except (TimeoutError, socket.timeout):
                    return  # nothing said: the VCH waits for a request, so it accepted us
        except ssl.SSLCertVerificationError as exc:
            raise WrongServerCertificate(f"the server's certificate is not the VCH's: {exc.verify_message}") \
                from None
        except ssl.SSLError as exc:
            if exc.reason in _CLIENT_CERT_REFUSALS:
                raise ClientCertificateRefused(exc.reason) from None
            raise


def probe_docker_api(address: str, certs: CertBundle | None, pin: bytes | None, *, client_verification: bool,
                     tls: bool = True, timeout: float = REQUEST_TIMEOUT) -> dict:
    """Ask the Docker API at ``address`` for ``/_ping`` and ``/info``; return the ``/info`` answer.

    :param pin: the server certificate the VCH is configured with; it must present that one.
    :param client_verification: the VCH requires client certificates from its CAs.
    :raise ClientCertificateRefused: under client verification without a client certificate here, the VCH
        (having presented ``pin``) refused us: up, as vic-machine 1.5 counts it, but ``/info`` cannot be read.
    :raise WrongServerCertificate: another certificate than ``pin`` was presented.
    :raise OSError, http.client.HTTPException, ValueError: not answering (yet), or not as the Docker API.
    """
    if tls and pin and client_verification and not (certs is not None and certs.client_cert):
        _check_refusal(address, pin, timeout)
    if docker_request(address, "/_ping", certs, tls, timeout, pin=pin).status != 200:
        raise ValueError("the Docker API does not answer /_ping yet")
    info = docker_request(address, "/info", certs, tls, timeout, pin=pin)
    if info.status != 200:
        raise ValueError(f"the Docker API answered /info with HTTP {info.status}")
    return info.json()


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
            address = f"{client_ip}:{config.docker_port}"
            stage = f"the Docker API on {address}"
            _say_once(say, said, f"Components started; waiting for the Docker API on {client_ip}")
            host = config.certificate.host_certificate
            pin = (certs.server_cert if certs is not None and certs.server_cert else None) or \
                (host.cert if host is not None and host.cert else None)
            try:
                return client_ip, probe_docker_api(address, certs, pin, tls=config.docker_tls,
                                                   client_verification=config.client_verification)
            except ClientCertificateRefused:
                _say_once(say, said, f"The Docker API on {address} requires a client certificate from the VCH's "
                                     "CAs, and none is held here: taken as up, as vic-machine 1.5 does")
                return client_ip, {}
            except WrongServerCertificate as exc:
                stage = f"the Docker API on {address} ({exc})"
            except (OSError, ssl.SSLError, http.client.HTTPException, ValueError) as exc:
                if isinstance(exc, ssl.SSLError) and not isinstance(exc, ssl.SSLEOFError):
                    stage = f"the Docker API on {address} (TLS: {exc.reason or exc})"
                # otherwise not listening yet
        time.sleep(delay)
        delay = min(delay * 1.5, MAX_POLL_SECONDS)


def _say_once(say: Callable[[str], None], said: set[str], message: str) -> None:
    if message not in said:
        said.add(message)
        say(message)
