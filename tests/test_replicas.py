"""Issue 20: two `vic-plugin serve` replicas behind Debian's HAProxy (deploy/haproxy.cfg, TLS passed through, HTTP
health check), on one simulator, with real processes throughout.

- A create is followed through the balancer: both replicas answer the same document (kind, subject, progress,
  message, result), the non-owning one from the vCenter task alone.
- Conflicting operations sent at the same moment to different replicas: exactly one is accepted, the other is 409
  (two creates of one name; two deletes, and a configure against a delete, of one VCH), decided in vCenter.
- A stream served by the replica not running its operation keeps sending keep-alives while vCenter is slow; a
  stream whose client went away frees its thread and its slot at once.
- A wedged replica (stopped: it still accepts TCP connections) leaves HAProxy's rotation; traffic goes on.
- The owning replica killed mid-create (master and worker, kill -9): the other reads the operation as failed, its
  stream ends, the dead replica's vCenter session is ended, and a delete through the balancer cleans up.
- No two instances share a gunicorn control socket; workers default to the number of usable cores.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from deploy.replicas import Balancer, Replica
from plugin_server.tls import ensure_certificate
from sim.appliance import ApplianceStandIn
from sim.isos import ensure_isos
from tests.replicas_support import HEARTBEAT, KEEPALIVE, RawStream, get, health, send_together, settled
from tests.support import session_for
from tests.test_gunicorn_kills import BOUND, Stream, create_through, delete_through, listed, target, wait_for
from tests.vch_support import allow_vic_engine, picture
from tests.vch_support import vch_spec as make_spec
from vic_machine import spec as vch_spec


@pytest.fixture(scope="module")
def world(start_sim, tmp_path_factory):
    sim = start_sim()
    session = session_for(sim)
    allow_vic_engine(session)
    isos = ensure_isos(tmp_path_factory.mktemp("isos"))[0].parent
    state = tmp_path_factory.mktemp("replicas")
    cert, key = ensure_certificate(state / "tls", ["127.0.0.1"])
    home = state / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    env["HOME"] = str(home)
    vcenter = f"{sim.host}:{sim.port}={sim.thumbprint_sha256}"
    args = ("--iso-dir", str(isos), "--workers", "1", "--threads", "8", "--operation-heartbeat", str(HEARTBEAT),
            "--stream-keepalive", str(KEEPALIVE), "--graceful-timeout", "8")
    replicas = [Replica(name, vcenter, cert, key, state, *args, env=env) for name in ("r1", "r2")]
    balancer = Balancer(replicas, state, inter="300ms")
    with ApplianceStandIn.for_simulator(sim, boot_delay=0.1):
        yield sim, session, replicas, balancer, home
    balancer.stop()
    for replica in replicas:
        replica.stop()
    session.logout()


def create_body(name: str) -> dict:
    return vch_spec.dump(make_spec(name, "no-tlsverify"))


def deleting(sim, replica, name: str, delay_ms: int) -> str:
    """A VCH made through ``replica``, then its delete started there, held ``delay_ms`` at removing the VM; the
    delete's location."""
    vch_id = create_through(replica, sim, name)
    sim.faults.delay("Destroy_Task", delay_ms)
    [(status, _, location)] = send_together([(replica.base, sim, "DELETE", f"{target(sim)}/vch/{vch_id}",
                                              {"containers": "all"})])
    assert status == 202
    return location


def test_a_create_followed_through_the_balancer_reads_the_same_from_both(world):
    sim, session, (r1, r2), balancer, _ = world
    sim.faults.delay("PowerOnVM_Task", 2000)
    [(status, started, location)] = send_together([(r1.base, sim, "POST", f"{target(sim)}/vch",
                                                    create_body("followed"))])
    assert status == 202, started
    other = RawStream(r2.base, sim, location)  # the replica that did not start it streams from vCenter
    seen: dict[str, dict] = {}
    deadline = time.monotonic() + 90
    while True:
        doc, replica = get(balancer.base, sim, location)
        seen[replica] = doc
        if set(seen) == {"r1", "r2"} and all(d["state"] != "running" for d in seen.values()):
            break
        assert time.monotonic() < deadline, seen
        if replica == "r2" and doc["state"] == "running":
            assert doc["kind"] == "create" and doc["subject"] == started["subject"], doc
    assert seen["r1"] == seen["r2"], seen
    final = seen["r2"]
    assert final["state"] == "success" and final["progress"] == 100 and final["result"]["name"] == "followed"
    assert final["kind"] == "create" and final["subject"].endswith("/followed")
    assert other.ended.wait(30) and other.events()[-1] == ("end", final)
    assert delete_through(balancer, sim, final["result"]["id"])["state"] == "success"


def test_simultaneous_creates_of_one_name_through_two_replicas_one_accepted(world):
    sim, session, (r1, r2), balancer, _ = world
    before = picture(session)
    body = create_body("dup1")
    answers = send_together([(r.base, sim, "POST", f"{target(sim)}/vch", body) for r in (r1, r2)])
    statuses = sorted(a[0] for a in answers)
    assert statuses == [202, 409], answers
    [(_, refused, _)] = [a for a in answers if a[0] == 409]
    assert refused["code"] == "conflict" and "dup1" in refused["message"], refused
    [(_, accepted, location)] = [a for a in answers if a[0] == 202]
    final = wait_for(balancer.base, sim, location, lambda s: s["state"] != "running", timeout=90)
    assert final["state"] == "success", final
    assert delete_through(balancer, sim, final["result"]["id"])["state"] == "success"
    assert picture(session) == before


def test_simultaneous_operations_on_one_vch_through_two_replicas_one_accepted(world):
    sim, session, (r1, r2), balancer, _ = world
    vch_id = create_through(r1, sim, "contended")
    path = f"{target(sim)}/vch/{vch_id}"
    sim.faults.delay("Destroy_Task", 3000)  # the winner still runs when the loser asks
    answers = send_together([(r.base, sim, "DELETE", path, {"containers": "all"}) for r in (r1, r2)])
    assert sorted(a[0] for a in answers) == [202, 409], answers
    [(_, _, location)] = [a for a in answers if a[0] == 202]
    # A configure meanwhile, through the other replica than the delete's, is refused as well.
    busy = send_together([(r2.base, sim, "PATCH", path, {"syslog_addr": "udp://192.0.2.10:514"})])
    assert busy[0][0] == 409 and busy[0][1]["code"] in ("conflict", "update_in_progress"), busy
    final = wait_for(balancer.base, sim, location, lambda s: s["state"] != "running", timeout=90)
    assert final["state"] == "success", final
    assert listed(balancer, sim, vch_id=vch_id) is None


def test_a_stream_on_the_other_replica_keeps_alive_while_vcenter_is_slow(world):
    sim, session, (r1, r2), balancer, _ = world
    location = deleting(sim, r1, "slow-read", 12000)
    stream = RawStream(r2.base, sim, location)
    assert stream.replica == "r2"
    time.sleep(1)
    slow_from = time.monotonic()
    sim.faults.inject("RetrievePropertiesEx", fault=None, count=0, delay_ms=int(2 * KEEPALIVE * 1000))
    time.sleep(3 * KEEPALIVE)
    sim.faults.reset()
    silence = stream.longest_silence(slow_from, time.monotonic())
    assert silence < KEEPALIVE + 1.0, f"{silence:.1f} s without a byte (keep-alive every {KEEPALIVE} s)"
    assert any(line.startswith(": keep-alive") for _, line in stream.arrivals)
    assert stream.ended.wait(60)
    assert stream.events()[-1][1]["state"] == "success"


def test_a_stream_whose_client_went_away_frees_its_thread(world):
    sim, session, (r1, r2), balancer, _ = world
    location = deleting(sim, r1, "gone-client", 15000)
    for replica in (r1, r2):  # the owner's stream (its own events) and the other's (from vCenter)
        _, known = health(replica.base)
        streams = [RawStream(replica.base, sim, location) for _ in range(known["streams_max"])]
        assert all(s.status == 200 for s in streams), [s.status for s in streams]
        assert health(replica.base)[1]["streams"] == known["streams_max"]
        for s in streams:
            s.cut()
        cut_at = time.monotonic()
        while health(replica.base)[1]["streams"] and time.monotonic() - cut_at < 10:
            time.sleep(0.1)
        freed = time.monotonic() - cut_at
        assert freed < KEEPALIVE / 2, f"{replica.name}: {freed:.1f} s to free the streams of gone clients"
        again = [RawStream(replica.base, sim, location) for _ in range(known["streams_max"])]
        assert all(s.status == 200 for s in again), [s.status for s in again]
        for s in again:
            s.cut()
    wait_for(balancer.base, sim, location, lambda s: s["state"] != "running", timeout=60)


def test_a_wedged_replica_leaves_the_rotation(world):
    sim, session, (r1, r2), balancer, _ = world
    [worker] = r2.workers()
    os.kill(worker, signal.SIGSTOP)  # the kernel still accepts its connections: a TCP check would pass
    try:
        took = balancer.wait("replica2", "DOWN", timeout=15)
        answered = [get(balancer.base, sim, f"{target(sim)}/vch")[1] for _ in range(6)]
        assert answered == ["r1"] * 6, answered
        print(f"wedged replica out of the rotation after {took:.1f} s")
    finally:
        os.kill(worker, signal.SIGCONT)
    balancer.wait("replica2", "UP", timeout=15)


def test_no_shared_control_socket_and_workers_from_the_cores(world, tmp_path):
    sim, session, (r1, r2), balancer, home = world
    assert not (home / ".gunicorn").exists(), list((home / ".gunicorn").iterdir())
    cert, key = ensure_certificate(tmp_path / "tls", ["127.0.0.1"])
    defaults = Replica("r3", f"{sim.host}:{sim.port}={sim.thumbprint_sha256}", cert, key, tmp_path)
    try:
        cores = len(os.sched_getaffinity(0))
        deadline = time.monotonic() + 20  # gunicorn starts its workers one after another
        while len(defaults.workers()) < cores and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(defaults.workers()) == cores
        assert health(defaults.base)[1]["threads"] == 32
    finally:
        defaults.stop()


def test_the_owner_killed_mid_create_fails_on_the_other_and_is_cleanable(world):
    sim, session, (r1, r2), balancer, _ = world
    before = picture(session)
    sessions_before = len(session.content.sessionManager.sessionList or [])
    sim.faults.delay("PowerOnVM_Task", 4000)
    [(status, _, location)] = send_together([(r1.base, sim, "POST", f"{target(sim)}/vch",
                                              create_body("orphaned"))])
    assert status == 202
    stream = Stream(r2.base, sim, location)
    wait_for(r2.base, sim, location, lambda s: "Power on" in s["message"])
    held = len(session.content.sessionManager.sessionList or [])
    r1.kill()
    killed = time.monotonic()
    state = settled(balancer.base, sim, location, timeout=BOUND + 30)
    assert state["state"] == "error" and state["error"]["code"] == "abandoned", state
    assert time.monotonic() - killed < BOUND + 5
    assert "being created" in state["error"]["message"]
    assert stream.ended.wait(15) and stream.events[-1][1]["state"] == "error"
    # The dead replica's session, held for the operation, is ended by the replica that found it abandoned.
    assert len(session.content.sessionManager.sessionList or []) < held
    balancer.wait("replica1", "DOWN", timeout=15)
    time.sleep(max(0.0, killed + 4 - time.monotonic()))  # the delayed power-on has landed
    entry = listed(balancer, sim, name="orphaned")
    assert entry is not None and entry["vic_plugin"]["creating"] is True, entry
    assert delete_through(balancer, sim, entry["id"])["state"] == "success"
    assert picture(session) == before
    assert len(session.content.sessionManager.sessionList or []) <= sessions_before + 1
