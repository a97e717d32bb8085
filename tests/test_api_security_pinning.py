"""Issue 13, findings 1 and 4 (the server connecting where a caller says): nothing is sent to a vCenter before its
certificate matches the pinned thumbprint, only configured vCenters are connected to, and connection failures do
not tell a refused port from a non-TLS or a TLS one.

The relay is a local TLS server with its own self-signed certificate standing at a vCenter's address; it records
every byte it receives after the handshake. A token, ticket or password written to it would show there.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time

import pytest

from tests.api_support import basic, make_app
from tests.support import session_for
from vic_machine.certs.issue import make_self_signed

TOKEN = "relay-token-0123456789"


class Relay:
    """A TLS (or, with ``tls=False``, plain TCP) listener recording connections and what each one sent."""

    def __init__(self, tmp_path, tls: bool = True) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.received: list[bytes] = []
        self.context = None
        if tls:
            cert, key = make_self_signed("127.0.0.1")
            (tmp_path / "relay-cert.pem").write_bytes(cert)
            (tmp_path / "relay-key.pem").write_bytes(key)
            self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.context.load_cert_chain(tmp_path / "relay-cert.pem", tmp_path / "relay-key.pem")
        self._stop = False
        self._threads: list[threading.Thread] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._record, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _record(self, conn: socket.socket) -> None:
        data = b""
        try:
            conn.settimeout(3)
            if self.context is not None:
                conn = self.context.wrap_socket(conn, server_side=True)
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
                if self.context is None:  # a non-TLS server answering something that is not TLS
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
                    break
                if b"\r\n\r\n" in data:  # a full request head: answer as a vCenter would, to hand over a ticket
                    conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n'
                                 b'Connection: close\r\n\r\n{"session_clone_ticket": "cst-captured"}')
                    break
        except (OSError, ssl.SSLError):
            pass
        finally:
            self.received.append(data)
            conn.close()

    def settle(self) -> None:
        for thread in self._threads:
            thread.join(5)

    def close(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture
def relay(tmp_path):
    server = Relay(tmp_path)
    yield server
    server.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_token_is_not_sent_to_a_relay_at_the_configured_address(sim, relay):
    """The probe: the relay with its own certificate got the token (and a clone ticket) before the 400."""
    app = make_app(sim, VCENTER_THUMBPRINTS={f"127.0.0.1:{relay.port}": sim.thumbprint_sha256})
    client = app.test_client()
    r = client.get(f"/container/target/127.0.0.1:{relay.port}/inventory", headers={"vmware-api-session-id": TOKEN})
    relay.settle()
    assert r.status_code == 400 and r.json["code"] == "untrusted_certificate", r.json
    assert "does not match" in r.json["message"] and TOKEN not in r.get_data(as_text=True)
    assert relay.connections >= 1
    assert all(data == b"" for data in relay.received), relay.received  # not even a request line


@pytest.mark.parametrize("headers", [basic("administrator", "relay-password-42"), {"X-VMWARE-TICKET": "cst-ticket-42"}],
                         ids=["basic", "ticket"])
def test_password_and_ticket_are_not_sent_to_a_relay(sim, relay, headers):
    app = make_app(sim, VCENTER_THUMBPRINTS={f"127.0.0.1:{relay.port}": sim.thumbprint_sha1})
    r = app.test_client().get(f"/container/target/127.0.0.1:{relay.port}/vch", headers=headers)
    relay.settle()
    assert r.status_code == 400 and r.json["code"] == "untrusted_certificate", r.json
    assert relay.connections >= 1 and all(data == b"" for data in relay.received), relay.received


def test_clone_ticket_url_elsewhere_is_pinned_to_the_vcenter_too(sim, relay):
    """A --clone-ticket-url pointing at another server still has to present the vCenter's certificate."""
    app = make_app(sim, CLONE_TICKET_URL=f"https://127.0.0.1:{relay.port}/api/ui/vcenter/session/clone-ticket")
    r = app.test_client().get(f"/container/target/{sim.host}:{sim.port}/inventory",
                              headers={"vmware-api-session-id": TOKEN})
    relay.settle()
    assert r.status_code == 400 and r.json["code"] == "untrusted_certificate", r.json
    assert all(data == b"" for data in relay.received), relay.received


def test_unconfigured_target_is_400_before_any_connection(sim, relay):
    client = make_app(sim).test_client()
    for headers in ({"vmware-api-session-id": TOKEN}, basic("administrator", "pw")):
        for suffix in ("", f"?thumbprint={sim.thumbprint_sha256}"):
            r = client.get(f"/container/target/127.0.0.1:{relay.port}/inventory{suffix}", headers=headers)
            assert r.status_code == 400 and r.json["code"] == "untrusted_target", r.json
            assert "not a vCenter this server is configured for" in r.json["message"]
    # Same host, another port than the configured one: not configured either.
    r = client.get(f"/container/target/{sim.host}:{relay.port}/vch", headers=basic(sim.username, sim.password))
    assert r.status_code == 400 and r.json["code"] == "untrusted_target"
    time.sleep(0.3)
    assert relay.connections == 0


def test_unconfigured_targets_cannot_be_told_apart(sim, tmp_path, relay):
    """No port scanner: a closed port, a plain TCP server and a TLS server answer the same, unconnected."""
    plain = Relay(tmp_path, tls=False)
    try:
        client = make_app(sim).test_client()
        answers = set()
        for port in (_closed_port(), plain.port, relay.port):
            r = client.post(f"/container/target/127.0.0.1:{port}?action=firewall:allow",
                            headers={"vmware-api-session-id": "bogus"})
            answers.add((r.status_code, r.get_data(as_text=True).replace(str(port), "PORT")))
        assert len(answers) == 1 and next(iter(answers))[0] == 400
        assert plain.connections == 0 and relay.connections == 0
    finally:
        plain.close()


def test_configured_but_unreachable_vcenter_says_only_cannot_reach(sim, tmp_path):
    plain = Relay(tmp_path, tls=False)
    try:
        closed = _closed_port()
        app = make_app(sim, VCENTER_THUMBPRINTS={f"127.0.0.1:{closed}": sim.thumbprint_sha256,
                                                 f"127.0.0.1:{plain.port}": sim.thumbprint_sha256})
        client = app.test_client()
        bodies = []
        for port in (closed, plain.port):
            r = client.get(f"/container/target/127.0.0.1:{port}/inventory", headers={"vmware-api-session-id": TOKEN})
            assert r.status_code == 502, r.json
            assert r.json["message"].startswith(f"Cannot reach vCenter 127.0.0.1:{port}. ")
            bodies.append(r.get_data(as_text=True).replace(str(port), "PORT"))
        assert bodies[0] == bodies[1]
        assert TOKEN.encode() not in b"".join(plain.received)
    finally:
        plain.close()


def test_contradicting_query_thumbprint_is_refused(sim):
    client = make_app(sim).test_client()
    r = client.get(f"/container/target/{sim.host}:{sim.port}/inventory?thumbprint={'AB' * 32}",
                   headers=basic(sim.username, sim.password))
    assert r.status_code == 400 and r.json["code"] == "untrusted_certificate"
    # vic-ui 1.5 sends vCenter's SHA-1 while the server pins SHA-256: accepted, the configured pin decides.
    r = client.get(f"/container/target/{sim.host}:{sim.port}/inventory?thumbprint={sim.thumbprint_sha1}",
                   headers=basic(sim.username, sim.password))
    assert r.status_code == 200, r.json


def test_the_real_vcenter_still_trades_the_token(sim):
    admin = session_for(sim)
    try:
        r = make_app(sim).test_client().get(f"/container/target/{sim.host}:{sim.port}/inventory",
                                            headers={"vmware-api-session-id": admin.session_id})
        assert r.status_code == 200, r.json
    finally:
        admin.logout()
