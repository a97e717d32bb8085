"""Issue 13, findings 5 and 7: a request size limit (413), hostile JSON (400, never 500), JSON-only writes (415 for
the text/plain a cross-site page can POST), tokens only in headers (400 for one in the query string), and the
security headers on every answer (CSP frame-ancestors limited to the configured vCenters, nosniff, HSTS)."""

from __future__ import annotations

import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from plugin_server.security import parse_size
from tests.api_support import basic, make_app, target_path

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def client(sim):
    return make_app(sim).test_client()


def _write_routes(sim) -> list[tuple[str, str]]:
    t = target_path(sim)
    return [("POST", "/api/create-command"), ("POST", "/api/dynamic-items/vm/summary"),
            ("POST", f"{t}/vch/validate"), ("POST", f"{t}/vch"), ("DELETE", f"{t}/vch/vm-1"),
            ("PUT", f"{t}/vch/vm-1"), ("PATCH", f"{t}/vch/vm-1"), ("POST", f"{t}/vch/vm-1?action=debug"),
            ("POST", f"{t}?action=firewall:allow")]


HOSTILE = {
    "deep array": b"[" * 100_000 + b"]" * 100_000,
    "deep object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "nested past the limit": b'{"name":' + b'{"a":' * 40 + b"1" + b"}" * 40 + b"}",
    "array": b"[1, 2]",
    "string": b'"vch"',
    "number": b"42",
    "null": b"null",
    "true": b"true",
    "truncated": b'{"name": "vch"',
    "not utf-8": b'{"name": "\xff\xfe"}',
    "garbage": b"\x00\x01not json",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_json_is_400_on_every_write(client, sim, name):
    for auth in ({}, basic(sim.username, sim.password)):
        for method, path in _write_routes(sim):
            r = client.open(path, method=method, data=HOSTILE[name], content_type="application/json", headers=auth)
            assert r.status_code == 400, (name, method, path, r.status_code, r.get_data()[:200])
            assert r.json["code"] == "invalid_json" and set(r.json) >= {"message", "code", "errors"}


def test_a_body_over_the_limit_is_413_before_anything(sim):
    client = make_app(sim, MAX_CONTENT_LENGTH=1024).test_client()
    body = b'{"name": "' + b"x" * 2048 + b'"}'
    for method, path in [("POST", "/api/create-command"), ("GET", "/container/hello"), *_write_routes(sim)]:
        r = client.open(path, method=method, data=body, content_type="application/json")
        assert r.status_code == 413, (method, path, r.status_code)
        assert r.json["code"] == "request_too_large" and "1 KiB" in r.json["message"]
    assert client.post("/api/create-command", data=b'{"name": "ok"}', content_type="application/json").status_code == 200


def test_the_default_limit_is_a_few_megabytes(client):
    r = client.post("/api/create-command", data=b'{"name": "' + b"x" * (5 * 1024 * 1024) + b'"}',
                    content_type="application/json")
    assert r.status_code == 413 and "4 MiB" in r.json["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/xml"])
def test_writes_take_only_json(client, sim, content_type):
    """What a cross-site page can send without a preflight (text/plain, forms) never reaches a view."""
    auth = basic(sim.username, sim.password)
    for method, path in _write_routes(sim):
        for data in (b'{"name": "vch"}', b""):
            r = client.open(path, method=method, data=data, headers={**auth, "Content-Type": content_type})
            assert r.status_code == 415, (method, path, content_type, r.status_code)
            assert r.json["code"] == "unsupported_media_type" and "application/json" in r.json["message"]
    r = client.post("/api/create-command", data=b'{"name": "vch"}')  # a body with no Content-Type
    assert r.status_code == 415
    # JSON, any JSON media type, and writes without a body pass.
    for ctype in ("application/json", "application/json; charset=utf-8", "application/merge-patch+json"):
        assert client.post("/api/create-command", data=b'{"name": "vch"}', content_type=ctype).status_code == 200


def test_a_token_in_the_query_string_is_refused(client, sim):
    for path in ("/container/version", f"{target_path(sim)}/inventory", "/container/operations/x"):
        for name in ("vmware-api-session-id", "VMWARE-API-SESSION-ID", "X-VMWARE-TICKET"):
            r = client.get(f"{path}?{name}=stolen-token")
            assert r.status_code == 400, (path, name, r.status_code)
            assert "vmware-api-session-id header" in r.json["message"] and "stolen-token" not in r.get_data(as_text=True)


def _paths(sim) -> list[tuple[str, str, dict]]:
    auth = basic(sim.username, sim.password)
    return [("GET", "/container/hello", {}), ("GET", "/plugin.json", {}), ("GET", "/ui/index.html", {}),
            ("GET", "/ui/main.js", {}), ("GET", "/ui/nothing.js", {}), ("GET", "/container/api", {}),
            ("GET", "/container/openapi.json", {}), ("GET", f"{target_path(sim)}/inventory", {}),
            ("GET", f"{target_path(sim)}/inventory", auth), ("GET", "/container/target/elsewhere:443/vch", auth),
            ("POST", "/api/create-command", {"Content-Type": "text/plain"}), ("DELETE", "/container/hello", {})]


def test_security_headers_on_every_answer(client, sim):
    for method, path, headers in _paths(sim):
        r = client.open(path, method=method, headers=headers)
        csp = r.headers.get("Content-Security-Policy", "")
        ancestors = csp.split("frame-ancestors", 1)[-1].split(";")[0].split()
        assert ancestors == ["'self'", f"https://{sim.host}:{sim.port}"], (path, r.status_code, csp)
        assert "default-src 'self'" in csp and "object-src 'none'" in csp, (path, csp)
        assert r.headers.get("X-Content-Type-Options") == "nosniff", path
        assert r.headers.get("Strict-Transport-Security", "").startswith("max-age="), path


def test_frame_ancestors_follow_the_configuration(sim):
    client = make_app(sim, VCENTER_THUMBPRINTS={"vc.example.com": "AB" * 32, "vc2.example.com:8443": "CD" * 32},
                      FRAME_ANCESTORS=["http://127.0.0.1:8080/"]).test_client()
    csp = client.get("/ui/index.html").headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors 'self' https://vc.example.com https://vc2.example.com:8443 "
                        "http://127.0.0.1:8080")


def test_the_api_reference_allows_only_its_own_style(client):
    csp = client.get("/container/api").headers["Content-Security-Policy"]
    assert "style-src 'self' 'sha256-" in csp and "unsafe-inline" not in csp


def test_parse_size():
    assert parse_size("4M") == parse_size("4MiB") == parse_size("4mb") == 4 * 1024 * 1024
    assert parse_size("512K") == 512 * 1024 and parse_size("1000") == 1000
    for bad in ("", "0", "4G", "-1", "lots"):
        with pytest.raises(ValueError):
            parse_size(bad)


# Under gunicorn: a huge declared body is refused at once (nothing buffered), and --max-request-size applies.

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
        [str(BIN / "vic-plugin"), "serve", "--bind", f"127.0.0.1:{port}", "--state-dir", str(state), "--vcenter",
         f"{sim.host}:{sim.port}={sim.thumbprint_sha256}", "--max-request-size", "64K", "--threads", "4"],
        stdout=log.open("w"), stderr=subprocess.STDOUT)
    context = ssl._create_unverified_context()  # our own self-signed server on loopback
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"https://127.0.0.1:{port}/container/hello", context=context, timeout=2).read()
            break
        except OSError:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "vic-plugin serve did not answer"
            time.sleep(0.2)
    yield port, context
    process.send_signal(signal.SIGTERM)
    process.wait(15)


def _raw(port, context, head: bytes, body: bytes = b"") -> tuple[bytes, float]:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        with context.wrap_socket(sock, server_hostname="127.0.0.1") as tls:
            tls.sendall(head + body)
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                answer += chunk
    return answer, time.monotonic() - started


def test_a_150_mb_anonymous_body_is_413_at_once(served):
    port, context = served
    head = (b"POST /api/create-command HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 157286400\r\n\r\n")
    answer, seconds = _raw(port, context, head, b'{"name": "' + b"x" * 4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert seconds < 2, seconds


def test_max_request_size_applies_to_chunked_bodies(served):
    port, context = served
    chunk = b'{"name": "' + b"x" * (80 * 1024) + b'"}'
    head = (b"POST /api/create-command HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    body = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n0\r\n\r\n"
    answer, _ = _raw(port, context, head, body)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    small = b'{"name": "vch"}'
    answer, _ = _raw(port, context, head, f"{len(small):x}\r\n".encode() + small + b"\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
