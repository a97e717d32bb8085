"""Findings of the checks that reach out: the operations user's login and the registries."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.test_validate_support import base_spec, clean_vc
from vic_machine.validate import ERROR, WARNING, validate


@pytest.fixture(scope="module")
def vc():
    # These tests change no inventory: one simulator for the module.
    with clean_vc() as vc:
        yield vc


class _RegistryHandler(BaseHTTPRequestHandler):
    """What a Docker registry answers to an anonymous GET /v2/."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(401 if self.path == "/v2/" else 404)
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        self.send_header("WWW-Authenticate", 'Bearer realm="http://127.0.0.1/token"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def registry():
    """``127.0.0.1:<port>`` of a tiny registry answering over plain HTTP."""
    server = HTTPServer(("127.0.0.1", 0), _RegistryHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ops_spec(user: str, password: str):
    spec = base_spec("vch-ops")
    spec.endpoint.operations_credentials.user = user
    spec.endpoint.operations_credentials.password = password
    return spec


def test_operations_credentials_are_checked_by_logging_in(vc):
    inventory = vc.inventory()
    wrong = validate(_ops_spec(vc.sim.username, "not-the-password"), inventory, session=vc.session)
    assert [(f.level, f.code, f.path, f.step) for f in wrong] == [
        (ERROR, "operations.login_failed", "endpoint.operations_credentials.user", "operations")]
    assert "not-the-password" not in wrong[0].message
    unknown = validate(_ops_spec("nobody", vc.sim.password), inventory, session=vc.session)
    assert [f.code for f in unknown] == ["operations.login_failed"]
    right = validate(_ops_spec(vc.sim.username, vc.sim.password), inventory, session=vc.session)
    assert right == []
    assert vc.inventory() is not None  # our own session survived the probe's login and logout


def test_operations_credentials_step_alone(vc):
    found = validate(_ops_spec(vc.sim.username, "wrong"), vc.inventory(), session=vc.session, step="operations")
    assert [f.code for f in found] == ["operations.login_failed"]


def test_unreachable_registry_is_a_warning(vc, closed_port):
    spec = base_spec("vch-reg")
    spec.registry.insecure = [f"127.0.0.1:{closed_port}"]
    found = validate(spec, vc.inventory(), session=vc.session, step="registry")
    assert [(f.level, f.code, f.path, f.step) for f in found] == [
        (WARNING, "registry.unreachable", "registry", "registry")]
    assert f"127.0.0.1:{closed_port}" in found[0].message


def test_a_registry_name_no_connection_can_be_made_to_is_unreachable(vc):
    """Found by schemathesis: control characters or a bad port raised from the probe (a 500 from the API)."""
    spec = base_spec("vch-reg-bad")
    spec.registry.insecure = ["\n\x1a", "registry.example.com:99999"]
    found = validate(spec, vc.inventory(), session=vc.session, step="registry")
    assert {(f.level, f.code) for f in found} <= {(WARNING, "registry.unreachable"), (ERROR, "input.invalid")}
    assert found


def test_answering_registry_passes(vc, registry):
    spec = base_spec("vch-reg-ok")
    spec.registry.insecure = [registry]
    spec.registry.whitelist = [registry, "*.example.com", "10.0.0.0/8"]  # patterns are not probed
    assert validate(spec, vc.inventory(), session=vc.session) == []


def test_probes_can_be_skipped(vc, closed_port):
    spec = _ops_spec(vc.sim.username, "wrong")
    spec.registry.insecure = [f"127.0.0.1:{closed_port}"]
    assert validate(spec, vc.inventory(), session=vc.session, probes=False) == []
