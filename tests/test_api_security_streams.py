"""Issue 13, finding 3 (eight anonymous event streams took every worker thread, /container/hello timed out), under
`vic-plugin serve` (gunicorn) with its default concurrency: anonymous streams are 401, one user's streams are
bounded (429 beyond), and with 20 streams open /container/hello still answers in well under a second.

The operations followed are extension tasks created in the simulator as another replica would have (with their
nonce as activationId), so this server streams them by polling vCenter, one worker thread per stream.
"""

from __future__ import annotations

import base64
import http.client
import json
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from pyVmomi import vim

from tests.support import session_for, target_for
from vic_machine.vsphere.session import connect

BIN = Path(sys.executable).parent
CONTEXT = ssl._create_unverified_context()  # our own server's self-signed certificate, on loopback
USERS = {"viewer": "view-pw", "deputy": "deputy-pw"}
READ_ONLY = -2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(start_sim, tmp_path_factory):
    sim = start_sim(users=USERS)
    admin = session_for(sim)
    for user in USERS:
        admin.content.authorizationManager.SetEntityPermissions(entity=admin.content.rootFolder, permission=[
            vim.AuthorizationManager.Permission(principal=user, group=False, roleId=READ_ONLY, propagate=True)])
    state = tmp_path_factory.mktemp("state")
    port = _free_port()
    base = f"https://127.0.0.1:{port}"
    log = state / "server.log"
    process = subprocess.Popen(  # the default --threads: what is shipped is what is measured
        [str(BIN / "vic-plugin"), "serve", "--bind", f"127.0.0.1:{port}", "--state-dir", str(state),
         "--vcenter", f"{sim.host}:{sim.port}={sim.thumbprint_sha256}"],
        stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/container/hello", context=CONTEXT, timeout=2).read()
            break
        except OSError:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "vic-plugin serve did not answer"
            time.sleep(0.2)
    yield sim, admin, port, base
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    admin.logout()


def _user_name(sim, user: str, password: str) -> str:
    session = connect(target_for(sim, user=user, password=password))
    try:
        return session.user
    finally:
        session.logout()


def _task(sim, admin, owner: str):
    """A running create task of our extension started by ``owner``, and its operation id."""
    nonce = secrets.token_urlsafe(16)
    dc = admin.content.rootFolder.childEntity[0]
    info = admin.content.taskManager.CreateTask(obj=dc, taskTypeId="com.vmware.vic.CreateVch", initiatedBy=owner,
                                                cancelable=False, activationId=nonce)
    info.task.SetTaskState(state="running")
    return info.task, f"{info.task._moId}@{sim.host}:{sim.port}~{nonce}"


def _auth(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


class Stream:
    """One open event stream on its own connection."""

    def __init__(self, port: int, op_id: str, headers: dict) -> None:
        self.conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=20, context=CONTEXT)
        self.conn.request("GET", f"/container/operations/{op_id}/events", headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status

    def event(self) -> tuple[str, dict]:
        kind = None
        while True:
            line = self.response.readline().decode()
            assert line, "the stream ended"
            if line.startswith("event: "):
                kind = line[7:].strip()
            elif line.startswith("data: "):
                return kind, json.loads(line[6:])

    def close(self) -> None:
        self.conn.close()


def _hello_seconds(base: str) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(f"{base}/container/hello", context=CONTEXT, timeout=10) as r:
        assert r.status == 200 and r.read()  # its text is vic-machine-server's business
    return time.monotonic() - started


def test_anonymous_stream_is_401(served):
    sim, admin, port, _ = served
    task, op_id = _task(sim, admin, admin.user)
    try:
        stream = Stream(port, op_id, {})
        assert stream.status == 401 and json.loads(stream.response.read())["code"] == "unauthenticated"
        stream.close()
    finally:
        task.SetTaskState(state="success")


def test_twenty_open_streams_leave_hello_fast(served):
    sim, admin, port, base = served
    who = {admin.user: (sim.username, sim.password)}
    who.update({_user_name(sim, u, p): (u, p) for u, p in USERS.items()})
    tasks, streams = [], []
    try:
        plan = list(zip(who, (8, 8, 4)))
        for owner, count in plan:
            task, op_id = _task(sim, admin, owner)
            tasks.append(task)
            headers = _auth(*who[owner])
            for _ in range(count):
                streams.append(Stream(port, op_id, headers))
            if count == 8:  # one user's ninth stream is refused, not queued behind the others
                extra = Stream(port, op_id, headers)
                assert extra.status == 429, extra.response.read()
                assert json.loads(extra.response.read())["code"] == "too_many_streams"
                extra.close()
        assert len(streams) == 20 and all(s.status == 200 for s in streams)
        for stream in streams:
            assert stream.event()[0] == "progress"  # each one is streaming, on its own worker thread
        timings = [_hello_seconds(base) for _ in range(5)]
        assert max(timings) < 1.0, timings
        print(f"/container/hello with 20 open streams: {', '.join(f'{t * 1000:.0f} ms' for t in timings)}")
        for task in tasks:
            task.SetTaskState(state="success", result=json.dumps({"id": "vm-1"}))
        for stream in streams:
            kind, data = stream.event()
            while kind != "end":
                kind, data = stream.event()
            assert data["state"] == "success"
    finally:
        for stream in streams:
            stream.close()
        for task in tasks:
            try:
                task.SetTaskState(state="success")
            except Exception:  # noqa: BLE001 - already finished
                pass
