"""`vic-plugin serve` (gunicorn, HTTPS) creates and deletes a VCH through the API, progress read from the SSE
stream, the operation visible as a task in the simulator and readable from a second server process."""

import base64
import json
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sim.appliance import ApplianceStandIn
from sim.isos import ensure_isos
from tests.support import session_for
from tests.vch_support import allow_vic_engine, inventory_state
from tests.vch_support import vch_spec as make_spec
from vic_machine import spec as vch_spec

BIN = Path(sys.executable).parent
CONTEXT = ssl._create_unverified_context()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


LOGS: dict[str, Path] = {}


def _serve(sim, isos, state) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    base = f"https://127.0.0.1:{port}"
    LOGS[base] = state / "server.log"
    process = subprocess.Popen(
        [str(BIN / "vic-plugin"), "serve", "--bind", f"127.0.0.1:{port}", "--state-dir", str(state),
         "--vcenter", f"{sim.host}:{sim.port}={sim.thumbprint_sha256}", "--iso-dir", str(isos), "--workers", "1",
         "--threads", "4"],  # one worker: its own stream carries every event of the operation
        stdout=LOGS[base].open("w"), stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/container/hello", context=CONTEXT, timeout=2).read()
            return process, base
        except OSError:
            assert process.poll() is None, LOGS[base].read_text()
            assert time.monotonic() < deadline, "vic-plugin serve did not answer"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def served(start_sim, tmp_path_factory):
    """Two server processes on one simulator: replicas behind a load balancer would be the same."""
    sim = start_sim()
    session = session_for(sim)
    allow_vic_engine(session)
    isos = ensure_isos(tmp_path_factory.mktemp("isos"))[0].parent
    first, base = _serve(sim, isos, tmp_path_factory.mktemp("state"))
    second, other = _serve(sim, isos, tmp_path_factory.mktemp("state"))
    with ApplianceStandIn.for_simulator(sim, boot_delay=0.1):
        yield sim, session, base, other
    for process in (first, second):
        process.send_signal(signal.SIGTERM)
        process.wait(15)
    session.logout()


def _request(base, sim, method, path, body=None):
    token = base64.b64encode(f"{sim.username}:{sim.password}".encode()).decode()
    data = json.dumps(body).encode() if body is not None else None
    # respond-async: create and delete answer 202 with the operation at once (ours), followed below.
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": f"Basic {token}", "Content-Type": "application/json",
                                          "Prefer": "respond-async"})
    return urllib.request.urlopen(req, context=CONTEXT, timeout=60)


def _follow(base, sim, location):
    events = []
    with _request(base, sim, "GET", location + "/events") as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        kind = None
        for raw in stream:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                events.append((kind, json.loads(line[6:])))
                if kind == "end":
                    break
    return events


def test_create_and_delete_through_gunicorn(served):
    sim, session, base, other = served
    before = inventory_state(session)
    spec = make_spec("gunicorn-vch", "no-tlsverify")
    spec.auth.server.generate.cname = "gunicorn-vch.example.com"
    with _request(base, sim, "POST", f"/container/target/{sim.host}:{sim.port}/vch", vch_spec.dump(spec)) as r:
        assert r.status == 202
        location = r.headers["Location"]
    events = _follow(base, sim, location)
    assert sum(1 for kind, e in events if kind == "progress" and e["kind"] == "done") >= 5
    final = events[-1][1]
    assert final["state"] == "success", final
    task_id = location.rsplit("/", 1)[-1].split("@")[0]
    task = next(t for t in session.content.taskManager.recentTask if t._moId == task_id)
    assert str(task.info.state) == "success" and task.info.descriptionId.endswith("CreateVch")

    # The second server process reads the operation, started on the first, from vCenter.
    with _request(other, sim, "GET", location) as r:
        state = json.load(r)
    assert state["state"] == "success" and state["result"]["id"] == final["result"]["id"]

    vch_id = final["result"]["id"]
    with _request(base, sim, "DELETE", f"/container/target/{sim.host}:{sim.port}/vch/{vch_id}",
                  {"volume_stores": "all"}) as r:
        assert r.status == 202
        location = r.headers["Location"]
    assert _follow(base, sim, location)[-1][1]["state"] == "success"
    assert inventory_state(session) == before



def test_access_log_leaves_out_query_strings(served):
    sim, session, base, _ = served
    marker = "secret-token-value-123"
    # A token in the URL is refused (issue 13: tokens only in headers), and still not logged.
    with pytest.raises(urllib.error.HTTPError) as refused:
        _request(base, sim, "GET", f"/container/version?vmware-api-session-id={marker}")
    assert refused.value.code == 400
    log = LOGS[base].read_text()
    deadline = time.monotonic() + 5
    while "/container/version" not in log and time.monotonic() < deadline:
        time.sleep(0.1)
        log = LOGS[base].read_text()
    assert "GET /container/version HTTP" in log
    assert marker not in log
