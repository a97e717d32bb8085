"""Issue 13, the core's part of finding 1: every connection the core opens to vCenter is pinned in the TLS handshake,
not only the first check. A relay that forwards to the simulator while the session is made, then answers with a
certificate of its own (a relay appearing afterwards), receives no byte: no cookie, no request line."""

from __future__ import annotations

import socket
import ssl
import threading
import time

import pytest
from pyVmomi import vim

from tests.support import pipe
from vic_machine.certs.issue import make_self_signed
from vic_machine.errors import TargetError, UntrustedCertificate
from vic_machine.operations.upload import upload_bytes
from vic_machine.vsphere.collector import retrieve
from vic_machine.target import parse_target
from vic_machine.vsphere.certificate import thumbprints
from vic_machine.vsphere import session as session_module
from vic_machine.vsphere.session import connect


class SwitchingRelay:
    """At first a plain TCP relay to ``upstream``; after :meth:`intercept`, a TLS server with its own certificate
    recording every byte its clients send (existing relayed connections are cut then)."""

    def __init__(self, upstream: tuple[str, int], tmp_path) -> None:
        self.upstream = upstream
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        cert, key = make_self_signed("127.0.0.1")
        (tmp_path / "relay-cert.pem").write_bytes(cert)
        (tmp_path / "relay-key.pem").write_bytes(key)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(tmp_path / "relay-cert.pem", tmp_path / "relay-key.pem")
        self.intercepting = False
        self.intercepted = 0
        self.accepted = 0
        self.received: list[bytes] = []
        self._relayed: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def intercept(self) -> None:
        with self._lock:
            self.intercepting = True
            for s in self._relayed:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self._relayed.clear()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with self._lock:
                self.accepted += 1
                intercepting = self.intercepting
                if not intercepting:
                    self._relayed.append(conn)
            target = self._record if intercepting else self._relay
            threading.Thread(target=target, args=(conn,), daemon=True).start()

    def _relay(self, conn: socket.socket) -> None:
        try:
            up = socket.create_connection(self.upstream)
        except OSError:
            conn.close()
            return
        with self._lock:
            self._relayed.append(up)
        threading.Thread(target=pipe, args=(up, conn), daemon=True).start()
        pipe(conn, up)

    def _record(self, conn: socket.socket) -> None:
        data = b""
        self.intercepted += 1
        try:
            conn.settimeout(3)
            tls = self.context.wrap_socket(conn, server_side=True)
            while chunk := tls.recv(65536):
                data += chunk
                if b"\r\n\r\n" in data:  # a request head: what a relay wants, the cookie in it
                    break
        except (OSError, ssl.SSLError):
            pass
        finally:
            self.received.append(data)
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture
def relay(sim, tmp_path):
    server = SwitchingRelay((sim.host, sim.port), tmp_path)
    yield server
    server.close()


def _session_through(sim, relay):
    target = parse_target(f"https://127.0.0.1:{relay.port}", env={}, user=sim.username, password=sim.password,
                          thumbprint=sim.thumbprint_sha256)
    return connect(target)


def test_a_relay_appearing_after_the_first_check_gets_nothing(sim, relay):
    session = _session_through(sim, relay)
    cookie = session.stub.cookie
    assert cookie and retrieve(session.content, session.content.rootFolder, {vim.Datacenter: ["name"]})
    relay.intercept()
    session.stub.DropConnections()  # the pool reconnects, as it does after an idle close or a network blip
    with pytest.raises((TargetError, UntrustedCertificate, ssl.SSLError)):
        retrieve(session.content, session.content.rootFolder, {vim.Datacenter: ["name"]})
    assert relay.intercepted >= 1
    assert all(data == b"" for data in relay.received), relay.received  # not even a request line
    # The file interface too: pinned before the cookie is written.
    with pytest.raises(TargetError):
        upload_bytes(session, "DC0", "LocalDS_0", "pinned.log", b"x")
    assert all(data == b"" for data in relay.received), relay.received


def test_the_first_connection_is_pinned_too(sim, relay):
    """A relay that intercepts from the start is refused at once, naming the certificate it presented."""
    relay.intercept()
    with pytest.raises(UntrustedCertificate) as refused:
        _session_through(sim, relay)
    assert refused.value.sha256 != sim.thumbprint_sha256
    assert all(data == b"" for data in relay.received), relay.received


def test_a_pinned_target_is_connected_to_once(sim, relay):
    """Issue 17: with the thumbprint given, the pin is checked in the session's own first handshake; no connection
    is made only to look at the certificate first (a TLS handshake more for every command)."""
    session = _session_through(sim, relay)
    assert retrieve(session.content, session.content.rootFolder, {vim.Datacenter: ["name"]})
    session.logout()
    assert relay.accepted == 1
    assert (session.thumbprint_sha1, session.thumbprint_sha256) == (sim.thumbprint_sha1, sim.thumbprint_sha256)


def test_a_server_that_never_answers_the_handshake_fails_within_the_connect_timeout(sim, monkeypatch):
    """The answers may take the command's --timeout (minutes); a new connection may not."""
    silent = socket.create_server(("127.0.0.1", 0))  # the kernel completes TCP; nobody speaks TLS
    monkeypatch.setattr(session_module, "CONNECT_TIMEOUT", 0.5)
    try:
        target = parse_target(f"https://127.0.0.1:{silent.getsockname()[1]}", env={}, user="u", password="p",
                              thumbprint=sim.thumbprint_sha256)
        began = time.monotonic()
        with pytest.raises(TargetError) as refused:
            connect(target, timeout=120)
        assert time.monotonic() - began < 5
        assert f"Cannot reach 127.0.0.1:{silent.getsockname()[1]}" in str(refused.value)
    finally:
        silent.close()


def test_a_server_that_connects_but_never_answers_is_not_called_unreachable(tmp_path):
    """Once connected, a missing answer is the answer's time running out, not an address to check."""
    cert, key = make_self_signed("127.0.0.1")
    (tmp_path / "c.pem").write_bytes(cert)
    (tmp_path / "k.pem").write_bytes(key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "c.pem", tmp_path / "k.pem")
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept() -> None:
        conn, _ = server.accept()
        held.append(context.wrap_socket(conn, server_side=True))  # handshake done, then silence

    threading.Thread(target=accept, daemon=True).start()
    try:
        pin = thumbprints(ssl.PEM_cert_to_DER_cert(cert.decode()))[1]
        target = parse_target(f"https://127.0.0.1:{server.getsockname()[1]}", env={}, user="u", password="p",
                              thumbprint=pin)
        with pytest.raises(TargetError) as failed:
            connect(target, timeout=1)
        assert "Cannot reach" not in str(failed.value) and "did not answer in time" in str(failed.value)
    finally:
        server.close()
