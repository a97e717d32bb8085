"""Issue 13, finding 7 (the server's own TLS): the generated certificate's SAN holds the names the server is served
as (``--hostname``, or the machine's names), not CN=localhost whatever the host; `vic-plugin serve` speaks TLS 1.2
with AEAD suites only (a CBC suite is refused), and TLS 1.3."""

from __future__ import annotations

import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography import x509

from plugin_server.tls import TLS12_CIPHERS, covers, ensure_certificate, harden, machine_names

BIN = Path(sys.executable).parent


def _sans(pem: bytes) -> set[str]:
    san = x509.load_pem_x509_certificate(pem).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return set(san.get_values_for_type(x509.DNSName)) | {str(i) for i in san.get_values_for_type(x509.IPAddress)}


def test_generated_certificate_names_what_it_is_served_as(tmp_path):
    cert, key = ensure_certificate(tmp_path, ["vic.example.com", "10.1.2.3"])
    assert _sans(cert.read_bytes()) == {"vic.example.com", "10.1.2.3"}
    assert (key.stat().st_mode & 0o777) == 0o600
    first = cert.read_bytes()
    # Kept as it is while it covers the names (its thumbprint is what registration pins)...
    assert ensure_certificate(tmp_path, ["vic.example.com"], renew_for_names=True)[0].read_bytes() == first
    # ...and without --hostname whatever it holds; replaced when --hostname asks for a name it lacks.
    assert ensure_certificate(tmp_path, ["other.example.com"])[0].read_bytes() == first
    renewed = ensure_certificate(tmp_path, ["other.example.com"], renew_for_names=True)[0].read_bytes()
    assert renewed != first and covers(renewed, ["other.example.com"])


def test_default_names_are_the_machines():
    names = machine_names("127.0.0.1")
    assert socket.gethostname() in names and "127.0.0.1" in names
    assert "0.0.0.0" not in machine_names("0.0.0.0")


def test_tls12_suites_are_all_aead():
    context = harden(ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER))
    tls12 = [c for c in context.get_ciphers() if c["protocol"] == "TLSv1.2"]
    assert tls12 and all(c["aead"] for c in tls12), [c["name"] for c in tls12 if not c["aead"]]
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert "CBC" not in TLS12_CIPHERS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(sim, tmp_path_factory):
    state = tmp_path_factory.mktemp("state")
    port = _free_port()
    log = state / "server.log"
    process = subprocess.Popen(
        [str(BIN / "vic-plugin"), "serve", "--bind", f"127.0.0.1:{port}", "--state-dir", str(state),
         "--hostname", "plugin.example.test", "--hostname", "127.0.0.1", "--threads", "4",
         "--vcenter", f"{sim.host}:{sim.port}={sim.thumbprint_sha256}"],
        stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "vic-plugin serve did not answer"
            time.sleep(0.2)
    yield port, log
    process.send_signal(signal.SIGTERM)
    process.wait(15)


def _handshake(port: int, *, version: ssl.TLSVersion, ciphers: str | None = None) -> tuple[str, str, bytes]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = context.maximum_version = version
    if ciphers:
        context.set_ciphers(ciphers)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        with context.wrap_socket(sock) as tls:
            return tls.version(), tls.cipher()[0], tls.getpeercert(binary_form=True)


def test_served_certificate_has_the_hostname(served):
    port, log = served
    _, _, der = _handshake(port, version=ssl.TLSVersion.TLSv1_3)
    pem = ssl.DER_cert_to_PEM_cert(der).encode()
    assert {"plugin.example.test", "127.0.0.1"} <= _sans(pem)
    assert "Certificate names: 127.0.0.1, plugin.example.test" in log.read_text()


def test_tls13_and_tls12_aead_only(served):
    port, _ = served
    assert _handshake(port, version=ssl.TLSVersion.TLSv1_3)[0] == "TLSv1.3"
    version, cipher, _ = _handshake(port, version=ssl.TLSVersion.TLSv1_2)
    assert version == "TLSv1.2" and ("GCM" in cipher or "CHACHA20" in cipher), cipher
    for cbc in ("ECDHE-RSA-AES128-SHA256", "ECDHE-RSA-AES256-SHA384", "AES128-SHA", "ECDHE-RSA-AES128-SHA"):
        with pytest.raises(ssl.SSLError):
            _handshake(port, version=ssl.TLSVersion.TLSv1_2, ciphers=cbc)
