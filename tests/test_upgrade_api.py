"""``POST …/vch/<id>?action=upgrade``: 202 and an operation; upgrade and roll back; a failed upgrade reverted;
a second upgrade of the same VCH refused; an unknown action or a bad body is 400."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.api_support import basic, make_app, target_path
from tests.upgrade_support import make_vch, observed, start_env


@pytest.fixture(scope="module")
def env(vch_world, tmp_path_factory):
    return start_env(vch_world, tmp_path_factory)


@pytest.fixture(scope="module")
def client(env):
    return make_app(env.sim, CREATE_TIMEOUT=20, ISO_DIR=str(Path(env.new.appliance.path).parent)).test_client()


def _final(client, op_id, auth) -> dict:
    response = client.get(f"/container/operations/{op_id}/events", headers=auth, buffered=False)
    kind, last = None, None
    for raw in response.response:
        for line in raw.decode().splitlines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "end":
                last = json.loads(line[6:])
    return last


def test_upgrade_and_rollback_through_the_api(env, client):
    auth = basic(env.sim.username, env.sim.password)
    vch = make_vch(env, "api-up")
    url = f"{target_path(env.sim)}/vch/{vch.id}"
    before = observed(env, vch)

    r = client.post(f"{url}?action=upgrade", headers=auth)
    assert r.status_code == 202, r.json
    assert r.headers["Location"] == f"/container/operations/{r.json['id']}"
    final = _final(client, r.json["id"], auth)
    assert final["state"] == "success", final
    assert final["result"]["to_version"] == "v1.5.9-1-sim" and final["result"]["action"] == "upgrade"
    listed = client.get(f"{target_path(env.sim)}/vch", headers=auth).json["vchs"]
    mine = next(v for v in listed if v["id"] == vch.id)
    assert mine["version"] == "v1.5.9-1-sim" and mine["upgrade_status"] == "Up to date"

    r = client.post(f"{url}?action=upgrade", json={"rollback": True}, headers=auth)
    assert r.status_code == 202
    final = _final(client, r.json["id"], auth)
    assert final["state"] == "success" and final["result"]["action"] == "rollback", final
    assert observed(env, vch) == before


def test_a_failed_upgrade_is_reported_and_reverted(env, client):
    auth = basic(env.sim.username, env.sim.password)
    vch = make_vch(env, "api-up-fail")
    before = observed(env, vch)
    env.sim.faults.inject("PowerOnVM_Task", "InvalidState", count=1, task=True)
    try:
        r = client.post(f"{target_path(env.sim)}/vch/{vch.id}?action=upgrade", json={}, headers=auth)
        final = _final(client, r.json["id"], auth)
    finally:
        env.sim.faults.reset()
    assert final["state"] == "error"
    assert "Power on" in final["error"]["message"] and final["error"]["left"] == []
    assert observed(env, vch) == before


def test_refusals(env, client):
    auth = basic(env.sim.username, env.sim.password)
    vch = make_vch(env, "api-up-refused")
    url = f"{target_path(env.sim)}/vch/{vch.id}"
    r = client.post(f"{url}?action=explode", headers=auth)
    assert r.status_code == 400 and "action" in r.json["message"]
    r = client.post(f"{url}?action=upgrade", json={"rollback": "yes"}, headers=auth)
    assert r.status_code == 400 and "rollback" in r.json["message"]
    r = client.post(f"{url}?action=upgrade", json={"rollback": True}, headers=auth)
    final = _final(client, r.json["id"], auth)
    assert final["state"] == "error" and "no version from before an upgrade" in final["error"]["message"]

    env.sim.faults.delay("PowerOnVM_Task", 1000)
    first = client.post(f"{url}?action=upgrade", headers=auth)
    second = client.post(f"{url}?action=upgrade", headers=auth)
    assert first.status_code == 202 and second.status_code == 409
    assert _final(client, first.json["id"], auth)["state"] == "success"
    # The GET of the same path still answers.
    assert client.get(url, headers=auth).json["version"] == "v1.5.9-1-sim"
