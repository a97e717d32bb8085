"""The VCH API end to end on the simulator and appliance stand-in: create with SSE progress, list, inspect,
certificates, log, delete; errors; a second server replica reading the operation from vCenter; privileges."""

import io
import json
import zipfile

import pytest

from sim.appliance import ApplianceStandIn
from tests.api_support import basic, make_app, respond_async, sse_events, target_path
from tests.support import session_for
from tests.vch_support import allow_vic_engine, datastore_files, inventory_state
from vic_machine import spec as vch_spec
from tests.vch_support import vch_spec as make_spec


@pytest.fixture(scope="module")
def env(start_sim):
    sim = start_sim(users={"viewer": "view-pw"})
    session = session_for(sim)
    allow_vic_engine(session)
    with ApplianceStandIn.for_simulator(sim, boot_delay=0.1):
        yield sim, session
    session.logout()


@pytest.fixture(scope="module")
def app(env):
    sim, _ = env
    return make_app(sim, CREATE_TIMEOUT=30, ISO_DIR=str(_isos()))


def _isos():
    from pathlib import Path

    from sim.isos import ensure_isos

    return ensure_isos(Path("build/test-isos"))[0].parent


def _body(name, mode="tlsverify"):
    spec = make_spec(name, mode)
    if mode != "no-tls":
        spec.auth.server.generate.cname = f"{name}.example.com"
    return vch_spec.dump(spec)


def test_create_list_inspect_download_delete(env, app):
    sim, session = env
    client = app.test_client()
    auth = basic(sim.username, sim.password)
    before_inventory, before_files = inventory_state(session), datastore_files(session)

    r = client.post(f"{target_path(sim)}/vch", json=_body("api-vch1"), headers=respond_async(auth))
    assert r.status_code == 202, r.json
    op_id = r.json["id"]
    assert r.headers["Location"] == f"/container/operations/{op_id}"
    assert op_id.startswith("task-")
    events = sse_events(client, op_id, auth)
    steps = [e["step"] for k, e in events if k == "progress" and e["kind"] == "step"]
    assert "Create the endpoint VM" in " ".join(steps) or len(steps) >= 5
    kind, final = events[-1]
    assert kind == "end" and final["state"] == "success", final
    vch_id = final["result"]["id"]

    # The operation is a vCenter task of our extension, visible in recentTask.
    recent = session.content.taskManager.recentTask
    assert any(t._moId == op_id.split("@")[0] for t in recent)

    # A second replica reads the operation's state from vCenter.
    other = make_app(sim).test_client()
    state = other.get(f"/container/operations/{op_id}", headers=auth).json
    assert state["state"] == "success" and state["result"]["id"] == vch_id

    vchs = client.get(f"{target_path(sim)}/vch", headers=auth).json["vchs"]
    mine = next(v for v in vchs if v["id"] == vch_id)
    assert mine["name"] == "api-vch1" and mine["docker_host"].endswith(":2376")
    assert mine["vic_plugin"]["tls"] == "tlsverify"
    assert mine["upgrade_status"] == "Up to date" and mine["power_state"] == "poweredOn"
    detail = client.get(f"{target_path(sim)}/vch/{vch_id}", headers=auth).json
    assert detail["runtime"]["docker_host"] == mine["docker_host"]
    assert "DOCKER_HOST" in json.dumps(detail["vic_plugin"]["inspect"])

    pem = client.get(f"{target_path(sim)}/vch/{vch_id}/certificate", headers=auth)
    assert pem.status_code == 200 and pem.data.startswith(b"-----BEGIN CERTIFICATE-----")
    bundle = client.get(f"{target_path(sim)}/vch/{vch_id}/certificate-bundle", headers=auth)
    assert bundle.status_code == 200 and bundle.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(bundle.data)).namelist()
    assert {"ca.pem", "cert.pem", "key.pem"} <= set(names)
    # The client key is kept sealed in vCenter: another replica without the server key cannot open it.
    assert other.get(f"{target_path(sim)}/vch/{vch_id}/certificate-bundle", headers=auth).status_code == 404
    log = client.get(f"{target_path(sim)}/vch/{vch_id}/log", headers=auth)
    assert log.status_code == 200 and "api-vch1" in log.get_data(as_text=True)
    assert client.get(f"{target_path(sim)}/vch/{vch_id}/containers", headers=auth).json == {"containers": []}

    r = client.delete(f"{target_path(sim)}/vch/{vch_id}", json={"containers": "all", "volume_stores": "all"},
                      headers=respond_async(auth))
    assert r.status_code == 202
    kind, final = sse_events(client, r.json["id"], auth)[-1]
    assert final["state"] == "success" and final["result"]["removed"]
    assert all(v["id"] != vch_id for v in client.get(f"{target_path(sim)}/vch", headers=auth).json["vchs"])
    assert inventory_state(session) == before_inventory
    assert datastore_files(session) == before_files


def test_create_refused_by_validation_names_the_field(env, app):
    sim, _ = env
    body = _body("api-bad")
    body["network"]["bridge"]["port_group"] = {"name": "no-such-pg"}
    r = app.test_client().post(f"{target_path(sim)}/vch", json=body, headers=basic(sim.username, sim.password))
    assert r.status_code == 400 and "network.bridge.port_group" in r.json["errors"]


def test_second_create_of_the_same_name_while_running_is_409(env, app):
    sim, _ = env
    client = app.test_client()
    auth = basic(sim.username, sim.password)
    sim.faults.inject("PowerOnVM_Task", fault=None, delay_ms=1500)
    first = client.post(f"{target_path(sim)}/vch", json=_body("api-twice", "no-tls"), headers=respond_async(auth))
    try:
        second = client.post(f"{target_path(sim)}/vch", json=_body("api-twice", "no-tls"), headers=respond_async(auth))
        assert second.status_code == 409 and "already running" in second.json["message"]
    finally:
        kind, final = sse_events(client, first.json["id"], auth)[-1]
        sim.faults.reset()
    assert final["state"] == "success"
    r = client.delete(f"{target_path(sim)}/vch/{final['result']['id']}", json={}, headers=respond_async(auth))
    assert sse_events(client, r.json["id"], auth)[-1][1]["state"] == "success"


def test_failed_create_reports_what_was_undone(env, app):
    sim, session = env
    client = app.test_client()
    auth = basic(sim.username, sim.password)
    before = inventory_state(session)
    sim.faults.inject("PowerOnVM_Task", "InvalidState", message="host is busy")
    try:
        r = client.post(f"{target_path(sim)}/vch", json=_body("api-fails", "no-tls"), headers=respond_async(auth))
        kind, final = sse_events(client, r.json["id"], auth)[-1]
    finally:
        sim.faults.reset()
    assert final["state"] == "error"
    assert "InvalidState" in final["error"]["message"] and final["error"]["undone"]
    assert inventory_state(session) == before
    # Another replica sees the failure in the vCenter task.
    remote = make_app(sim).test_client().get(f"/container/operations/{r.json['id']}", headers=auth).json
    assert remote["state"] == "error" and "InvalidState" in remote["error"]["message"]


def test_delete_errors(env, app):
    sim, _ = env
    client = app.test_client()
    auth = basic(sim.username, sim.password)
    r = client.delete(f"{target_path(sim)}/vch/vm-999999", json={"containers": "some"}, headers=auth)
    assert r.status_code == 400 and "containers" in r.json["errors"]
    r = client.delete(f"{target_path(sim)}/vch/vm-999999", json={}, headers=auth)
    assert r.status_code == 404


def test_read_only_user_can_list_but_not_create(env, app):
    sim, session = env
    from pyVmomi import vim

    session.content.authorizationManager.SetEntityPermissions(
        entity=session.content.rootFolder,
        permission=[vim.AuthorizationManager.Permission(principal="viewer", group=False, roleId=-2,
                                                        propagate=True)])
    client = app.test_client()
    viewer = basic("viewer", "view-pw")
    assert client.get(f"{target_path(sim)}/vch", headers=viewer).status_code == 200
    r = client.post(f"{target_path(sim)}/vch", json=_body("api-viewer"), headers=viewer)
    assert r.status_code == 403
    assert "Resource.CreatePool" in r.json["message"] and "viewer" in r.json["message"]


def test_vch_left_creating_by_a_crashed_server_is_listed_and_cleaned_up(env, app):
    sim, session = env
    from pyVmomi import vim

    from vic_machine.vsphere.tasks import wait_for_task

    client = app.test_client()
    auth = basic(sim.username, sim.password)
    before = inventory_state(session)
    r = client.post(f"{target_path(sim)}/vch", json=_body("api-orphan", "no-tls"), headers=respond_async(auth))
    vch_id = sse_events(client, r.json["id"], auth)[-1][1]["result"]["id"]
    vm = vim.VirtualMachine(vch_id, session.stub)
    # What a server crashing mid-create leaves: the endpoint VM still marked CreatingVCH.
    spec = vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key="guestinfo.vice./init/common/id",
                                                                 value="CreatingVCH")])
    wait_for_task(vm.ReconfigVM_Task(spec=spec), "mark the VCH as being created")
    listed = next(v for v in client.get(f"{target_path(sim)}/vch", headers=auth).json["vchs"] if v["id"] == vch_id)
    assert listed["vic_plugin"]["creating"] is True
    r = client.delete(f"{target_path(sim)}/vch/{vch_id}", json={"containers": "all", "volume_stores": "all"},
                      headers=respond_async(auth))
    assert sse_events(client, r.json["id"], auth)[-1][1]["state"] == "success"
    assert inventory_state(session) == before
