"""Issue 13, finding 3 (operations readable anonymously, ids sequential) and the concurrent-delete part of finding 7:
an operation and its events need credentials; another user's operation needs the operation's privileges on its
object; ids carry a nonce checked against the vCenter task; five concurrent deletes of one VCH are one 202 and
four 409s."""

from __future__ import annotations

import threading
import time

import pytest
from pyVmomi import vim

from sim.appliance import ApplianceStandIn
from tests.api_support import basic, make_app, sse_events, target_path
from tests.support import session_for
from tests.vch_support import allow_vic_engine
from tests.vch_support import vch_spec as make_spec
from vic_machine import spec as vch_spec

READ_ONLY, ADMIN = -2, -1
ASYNC = {"Prefer": "respond-async"}  # 202 at once with the operation, as our views ask


def _isos():
    from pathlib import Path

    from sim.isos import ensure_isos

    return ensure_isos(Path("build/test-isos"))[0].parent


@pytest.fixture(scope="module")
def env(start_sim):
    sim = start_sim(users={"viewer": "view-pw", "deputy": "deputy-pw"})
    session = session_for(sim)
    allow_vic_engine(session)
    authz = session.content.authorizationManager
    for user, role in (("viewer", READ_ONLY), ("deputy", ADMIN)):
        authz.SetEntityPermissions(entity=session.content.rootFolder, permission=[
            vim.AuthorizationManager.Permission(principal=user, group=False, roleId=role, propagate=True)])
    with ApplianceStandIn.for_simulator(sim, boot_delay=0.1):
        yield sim, session
    session.logout()


@pytest.fixture(scope="module")
def app(env):
    sim, _ = env
    return make_app(sim, CREATE_TIMEOUT=30, ISO_DIR=str(_isos()))


@pytest.fixture(scope="module")
def created(env, app):
    """A VCH created by the administrator through the API: (operation id, VCH id)."""
    sim, _ = env
    client = app.test_client()
    auth = basic(sim.username, sim.password)
    spec = make_spec("sec-ops-vch", "no-tls")
    r = client.post(f"{target_path(sim)}/vch", json=vch_spec.dump(spec), headers={**auth, **ASYNC})
    assert r.status_code == 202, r.json
    kind, final = sse_events(client, r.json["id"], auth)[-1]
    assert final["state"] == "success", final
    return r.json["id"], final["result"]["id"]


def test_anonymous_reads_are_401(env, app, created):
    op_id, _ = created
    client = app.test_client()
    for path in (f"/container/operations/{op_id}", f"/container/operations/{op_id}/events",
                 "/container/operations/nothing", "/container/operations/task-ext-1@x:443~y/events"):
        r = client.get(path)
        assert r.status_code == 401 and r.json["code"] == "unauthenticated", (path, r.json)
    # On another replica too, which would read it from vCenter.
    assert make_app(env[0]).test_client().get(f"/container/operations/{op_id}/events").status_code == 401


def test_ids_are_not_guessable(env, app, created):
    sim, _ = env
    op_id, _ = created
    task_id, _, nonce = op_id.partition("~")
    assert len(nonce) >= 20
    auth = basic(sim.username, sim.password)
    for client in (app.test_client(), make_app(sim).test_client()):
        assert client.get(f"/container/operations/{op_id}", headers=auth).status_code == 200
        # The sequential vCenter task id alone, or with another nonce, is not found.
        for guess in (task_id, f"{task_id}~{'A' * len(nonce)}"):
            r = client.get(f"/container/operations/{guess}", headers=auth)
            assert r.status_code == 404, (guess, r.json)


def test_another_users_operation_needs_its_privileges(env, app, created):
    sim, _ = env
    op_id, _ = created
    viewer, deputy = basic("viewer", "view-pw"), basic("deputy", "deputy-pw")
    for client in (app.test_client(), make_app(sim).test_client()):  # local, and read from the vCenter task
        for path in (f"/container/operations/{op_id}", f"/container/operations/{op_id}/events"):
            r = client.get(path, headers=viewer)
            assert r.status_code == 403, r.json
            assert "viewer" in r.json["message"] and "Resource.CreatePool" in r.json["message"]
        # A user who could have created the VCH there may follow it.
        assert client.get(f"/container/operations/{op_id}", headers=deputy).json["state"] == "success"
        events = sse_events(client, op_id, deputy)
        assert events[-1][0] == "end" and events[-1][1]["state"] == "success"


def test_the_owner_reads_it_from_any_session(env, app, created):
    sim, _ = env
    op_id, _ = created
    admin = session_for(sim)
    try:
        token = {"vmware-api-session-id": admin.session_id}
        assert app.test_client().get(f"/container/operations/{op_id}", headers=token).json["state"] == "success"
    finally:
        admin.logout()


def test_streams_are_bounded_per_user(env, created):
    sim, _ = env
    op_id, _ = created
    app = make_app(sim, MAX_STREAMS_PER_USER=2, MAX_STREAMS=3)
    client = app.test_client()
    auth, deputy = basic(sim.username, sim.password), basic("deputy", "deputy-pw")
    # A finished operation's stream ends at once; keep the responses open to hold their slots.
    held = [client.get(f"/container/operations/{op_id}/events", headers=auth, buffered=False) for _ in range(2)]
    assert all(r.status_code == 200 for r in held)
    r = client.get(f"/container/operations/{op_id}/events", headers=auth, buffered=False)
    assert r.status_code == 429 and r.json["code"] == "too_many_streams" and sim.username in r.json["message"]
    held.append(client.get(f"/container/operations/{op_id}/events", headers=deputy, buffered=False))
    assert held[-1].status_code == 200
    r = client.get(f"/container/operations/{op_id}/events", headers=deputy, buffered=False)
    assert r.status_code == 429  # the server's total
    for response in reversed(held):  # one thread holds them all here: their contexts unwind newest first
        response.close()
    assert app.extensions["vic_operations"].streams.count() == 0
    assert client.get(f"/container/operations/{op_id}/events", headers=auth).status_code == 200


def test_five_concurrent_deletes_are_one_202_and_four_409(env, app, created):
    sim, _ = env
    _, vch_id = created
    auth = basic(sim.username, sim.password)
    app.test_client().get(f"{target_path(sim)}/vch", headers=auth)  # the session is cached, as for a client
    barrier = threading.Barrier(5)
    answers: list = [None] * 5

    def delete(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        answers[i] = client.delete(f"{target_path(sim)}/vch/{vch_id}", json={"volume_stores": "all"},
                                   headers={**auth, **ASYNC})

    threads = [threading.Thread(target=delete, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [202, 409, 409, 409, 409], [(r.status_code, r.json) for r in answers]
    conflict = next(r for r in answers if r.status_code == 409)
    assert "already running" in conflict.json["message"]
    accepted = next(r for r in answers if r.status_code == 202)
    assert sse_events(app.test_client(), accepted.json["id"], auth)[-1][1]["state"] == "success"


def test_deletes_while_one_runs_are_409_not_a_race_with_it(env, app):
    """Deletes arriving while one removes the VCH's files (its VM already gone) are 409, never 404 or 502."""
    sim, session = env
    client = app.test_client()
    auth = basic(sim.username, sim.password)
    r = client.post(f"{target_path(sim)}/vch", json=vch_spec.dump(make_spec("sec-ops-vch2", "no-tls")),
                    headers={**auth, **ASYNC})
    vch_id = sse_events(client, r.json["id"], auth)[-1][1]["result"]["id"]
    sim.faults.delay("DeleteDatastoreFile_Task", 3000)
    try:
        first = client.delete(f"{target_path(sim)}/vch/{vch_id}", json={"volume_stores": "all"},
                              headers={**auth, **ASYNC})
        assert first.status_code == 202, first.json
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # until the endpoint VM is gone, the operation still running
            # Listed as what is left of it, being deleted, until its last piece is gone (issue 14).
            listed = [v for v in client.get(f"{target_path(sim)}/vch", headers=auth).json["vchs"] if v["id"] == vch_id]
            if not listed or listed[0].get("vic_plugin", {}).get("left") is not None:
                break
            time.sleep(0.1)
        answers: list = [None] * 4

        def delete(i: int) -> None:
            answers[i] = app.test_client().delete(f"{target_path(sim)}/vch/{vch_id}", json={},
                                                  headers={**auth, **ASYNC})

        threads = [threading.Thread(target=delete, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert [r.status_code for r in answers] == [409] * 4, [(r.status_code, r.json) for r in answers]
    finally:
        final = sse_events(client, first.json["id"], auth)[-1][1]
        sim.faults.reset()
    assert final["state"] == "success", final
