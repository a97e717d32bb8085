"""Issue 13, finding 4 (the probes): a ReadOnly user's registry entries and operations credentials in ``validate``
(or a create it may not make) make the server connect nowhere and log in nowhere; for a user allowed to create,
a probe has a short timeout, follows no redirect and answers only "reachable or not", nothing of what answered."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pyVmomi import vim

from tests.api_support import basic, make_app, target_path
from tests.support import session_for
from tests.vch_support import vch_spec as make_spec
from vic_machine import spec as vch_spec
from vic_machine.validate.probes import PROBE_TIMEOUT

READ_ONLY = -2
VIEWER = ("viewer", "view-pw")
SECRET = "SECRET-BANNER-4711"


class _Recorder(HTTPServer):
    """Counts requests; answers ``status`` with a reason, a body and a header that must never be passed on."""

    def __init__(self, status: int = 500, location: str = "") -> None:
        self.hits: list[str] = []
        self.status, self.location = status, location
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                recorder.hits.append(self.path)
                body = f"<h1>{SECRET} internal admin console</h1>".encode()
                self.send_response(recorder.status, f"{SECRET} reason")
                if recorder.location:
                    self.send_header("Location", recorder.location)
                self.send_header("X-Banner", SECRET)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()


@pytest.fixture
def recorder():
    server = _Recorder()
    yield server
    server.close()


@pytest.fixture(scope="module")
def env(start_sim):
    sim = start_sim(users=dict([VIEWER]))
    session = session_for(sim)
    session.content.authorizationManager.SetEntityPermissions(entity=session.content.rootFolder, permission=[
        vim.AuthorizationManager.Permission(principal=VIEWER[0], group=False, roleId=READ_ONLY, propagate=True)])
    yield sim, make_app(sim)
    session.logout()


def _body(registry: str, ops_password: str, sim) -> dict:
    spec = make_spec("probe-vch")
    spec.registry.insecure = [registry]
    spec.endpoint.operations_credentials.user = sim.username
    spec.endpoint.operations_credentials.password = ops_password
    return vch_spec.dump(spec, include_secrets=True)


def test_read_only_validate_probes_nothing_and_is_no_password_oracle(env, recorder):
    sim, app = env
    client = app.test_client()
    answers = []
    for password in (sim.password, "wrong-password"):
        r = client.post(f"{target_path(sim)}/vch/validate", json=_body(recorder.address, password, sim),
                        headers=basic(*VIEWER))
        assert r.status_code == 200, r.json
        answers.append(sorted(f["code"] for f in r.json["findings"]))
        assert {"registry.not_probed", "operations.not_checked"} <= set(answers[-1]), answers[-1]
    assert recorder.hits == []
    # Right and wrong passwords answer alike: nothing was tried.
    assert answers[0] == answers[1] and "operations.login_failed" not in answers[1]


def test_read_only_create_is_refused_before_any_probe(env, recorder):
    sim, app = env
    r = app.test_client().post(f"{target_path(sim)}/vch", json=_body(recorder.address, "x", sim),
                               headers=basic(*VIEWER))
    assert r.status_code == 403, r.json
    assert recorder.hits == []


def test_a_probe_says_only_reachable_or_not(env, recorder):
    sim, app = env
    auth = basic(sim.username, sim.password)
    r = app.test_client().post(f"{target_path(sim)}/vch/validate?step=registry",
                               json=_body(recorder.address, sim.password, sim), headers=auth)
    assert r.status_code == 200
    assert recorder.hits  # the administrator's validation probes
    [finding] = [f for f in r.json["findings"] if f["code"] == "registry.unreachable"]
    assert recorder.address in finding["message"]
    assert SECRET not in r.get_data(as_text=True) and "500" not in finding["message"]


def test_a_probe_follows_no_redirect(env):
    sim, app = env
    inner = _Recorder(status=200)
    outer = _Recorder(status=302, location=f"http://{inner.address}/internal")
    try:
        r = app.test_client().post(f"{target_path(sim)}/vch/validate?step=registry",
                                   json=_body(outer.address, sim.password, sim),
                                   headers=basic(sim.username, sim.password))
        assert r.status_code == 200
        assert outer.hits and inner.hits == []
    finally:
        inner.close()
        outer.close()


def test_a_silent_address_costs_a_short_timeout(env):
    sim, app = env
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        started = time.monotonic()
        r = app.test_client().post(f"{target_path(sim)}/vch/validate?step=registry",
                                   json=_body(f"127.0.0.1:{silent.getsockname()[1]}", sim.password, sim),
                                   headers=basic(sim.username, sim.password))
        elapsed = time.monotonic() - started
    assert r.status_code == 200
    assert [f["code"] for f in r.json["findings"]] == ["registry.unreachable"]
    assert elapsed < PROBE_TIMEOUT + 2.0, elapsed
