"""vic-machine-server 1.5.8's semantics on its paths, and ours only when asked (issue 12's "Why", one test each):
synchronous create and delete unless ``Prefer: respond-async``; validation complete before anything is accepted;
the VCH model on GET, which PUT takes back as no change; list items and the ``compute-resource`` filter; 400 for
bad input; unknown fields ignored and named; limits of 0; a container network's gateway as vic-ui sends it; the
four kinds of compute resource; hello, version, ``GET /container``, target and firewall."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyVmomi import vim

from tests.api_support import RESPOND_ASYNC, basic, make_app, sse_events, target_path
from tests.openapi_support import document, violations
from tests.vch_support import inventory_state
from tests.vch_support import vch_spec as make_spec
from vic_machine import spec as vch_spec
from vic_machine.vsphere.collector import retrieve


@pytest.fixture(scope="module")
def world(vch_world):
    return vch_world(pg=2)


@pytest.fixture(scope="module")
def app(world):
    return make_app(world.sim, CREATE_TIMEOUT=30, ISO_DIR=str(Path(world.isos.appliance.path).parent))


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def auth(world):
    return basic(world.sim.username, world.sim.password)


@pytest.fixture(scope="module")
def base(world):
    return target_path(world.sim)


@pytest.fixture(scope="module")
def ids(world) -> dict:
    content = world.session.content
    found = retrieve(content, content.rootFolder, {vim.ManagedEntity: ["name"]})
    out: dict = {}
    for obj, props in found.items():
        out.setdefault(props["name"], obj._moId)
        out[(type(obj).__name__.split(".")[-1], props["name"])] = obj._moId
    return out


@pytest.fixture(scope="module")
def doc(app):
    return document(app)


def _body(name: str, **changes) -> dict:
    spec = make_spec(name, "no-tls")
    body = vch_spec.dump(spec)
    body.update(changes)
    return body


@pytest.fixture(scope="module")
def vch(client, auth, base):
    """A VCH made by a synchronous create: its id. Deleted at the end."""
    body = _body("model-vch")
    body["network"]["container"] = [{"port_group": {"name": "DC0_DVPG1"}, "alias": "outside",
                                     "gateway": {"address": "10.30.0.1", "routing_destinations": ["10.30.0.1/24"]},
                                     "ip_ranges": ["10.30.0.10-10.30.0.20"]}]
    body["compute"]["cpu"] = {"limit": {"value": 0, "units": "MHz"}}
    body["compute"]["memory"] = {"limit": {"value": 0, "units": "MiB"}}
    r = client.post(f"{base}/vch", json=body, headers=auth)
    assert r.status_code == 201, r.json
    vch_id = r.json["vic_plugin"]["id"]
    yield vch_id
    assert client.delete(f"{base}/vch/{vch_id}", json={}, headers=auth).status_code in (202, 404)


# --- create and delete: synchronous as 1.5.8, asynchronous when asked --------------------------------------


def test_create_is_synchronous_and_answers_201(vch, client, auth, base, world):
    # The VCH exists when the answer comes: it is listed at once.
    assert any(v["id"] == vch for v in client.get(f"{base}/vch", headers=auth).json["vchs"])


def test_prefer_respond_async_gets_the_operation_and_its_events(client, auth, base, world, doc):
    before = inventory_state(world.session)
    r = client.post(f"{base}/vch", json=_body("model-async"), headers={**auth, **RESPOND_ASYNC})
    assert r.status_code == 202 and r.headers["Preference-Applied"] == "respond-async"
    assert violations(doc, "Operation", r.json) == []
    kind, final = sse_events(client, r.json["id"], auth)[-1]
    assert kind == "end" and final["state"] == "success", final
    r = client.delete(f"{base}/vch/{final['result']['id']}", json={}, headers={**auth, **RESPOND_ASYNC})
    assert r.status_code == 202 and r.json["state"] == "running"
    assert sse_events(client, r.json["id"], auth)[-1][1]["state"] == "success"
    assert inventory_state(world.session) == before


def test_failed_create_is_500_with_what_was_undone(client, auth, base, world, doc):
    before = inventory_state(world.session)
    world.sim.faults.inject("PowerOnVM_Task", "InvalidState", message="host is busy")
    try:
        r = client.post(f"{base}/vch", json=_body("model-fails"), headers=auth)
    finally:
        world.sim.faults.reset()
    assert r.status_code == 500 and "InvalidState" in r.json["message"] and r.json["undone"]
    assert violations(doc, "Error", r.json) == []
    assert inventory_state(world.session) == before


def test_input_errors_found_late_are_refused_before_anything_is_accepted(client, auth, base, world, monkeypatch):
    """Everything create decides from the input (here the certificates) is settled before the 202: no input error
    surfaces only after a 2xx, when vic-ui has already closed its wizard as a success."""
    from vic_machine.errors import FieldError, InputError
    from vic_machine.operations import create

    def refuse(spec):
        raise InputError(FieldError("auth.server.certificate", "cannot be used"))

    monkeypatch.setattr(create, "make_certificates", refuse)
    tasks = len(world.session.content.taskManager.recentTask)
    r = client.post(f"{base}/vch", json=_body("model-late"), headers={**auth, **RESPOND_ASYNC})
    assert r.status_code == 400 and "auth.server.certificate" in r.json["errors"]
    assert len(world.session.content.taskManager.recentTask) == tasks  # no operation was started


# --- the VCH model on GET, and back -------------------------------------------------------------------------


def test_get_answers_the_vch_model_as_1_5_8(vch, client, auth, base, ids, doc):
    model = client.get(f"{base}/vch/{vch}", headers=auth).json
    assert violations(doc, "VCH", model) == []
    assert model["compute"]["resource"] == {"id": ids["DC0_C0"]}
    # Managed objects by id only; the base image size in KB; unlimited limits left out; runtime.
    assert model["network"]["bridge"]["port_group"] == {"id": ids["DC0_DVPG0"]}
    assert model["storage"]["base_image_size"] == {"value": 8000000, "units": "KB"}
    assert "limit" not in model["compute"]["cpu"] and "limit" not in model["compute"]["memory"]
    assert set(model["runtime"]) == {"power_state", "upgrade_status", "admin_portal", "docker_host"}
    assert re.fullmatch(r"v\d+\.\d+\.\d+-\w+-\w+", model["version"])
    # A container network's gateway as 1.5.8 answers it: the address, and the subnet as the routing destination.
    (net,) = model["network"]["container"]
    assert net["port_group"] == {"id": ids["DC0_DVPG1"]} and net["alias"] == "outside"
    assert net["gateway"] == {"address": "10.30.0.1", "routing_destinations": ["10.30.0.1/24"]}
    # Ours, apart.
    ours = model["vic_plugin"]
    assert ours["id"] == vch and ours["tls"] == "no-tls" and ours["compute_resource"]["name"] == "DC0_C0"
    assert "DOCKER_HOST" in str(ours["inspect"]["docker_env"])


def test_what_get_answers_put_takes_back_as_no_change(vch, client, auth, base):
    model = client.get(f"{base}/vch/{vch}", headers=auth).json
    r = client.put(f"{base}/vch/{vch}?dry_run=true", json=model, headers=auth)
    assert r.status_code == 200, r.json
    assert r.json["configure"]["changed"] == [] and r.json["warnings"] == []
    # A change in 1.5.8's form is the change it says.
    model["compute"]["cpu"]["limit"] = {"value": 1500, "units": "MHz"}
    r = client.put(f"{base}/vch/{vch}?dry_run=true", json=model, headers=auth)
    assert r.status_code == 200 and r.json["configure"]["changed"] == ["compute.cpu.limit"]


def test_list_items_are_1_5_8s(vch, client, auth, base, doc):
    listed = client.get(f"{base}/vch", headers=auth).json
    assert violations(doc, "VCH_List", listed) == []
    item = next(v for v in listed["vchs"] if v["id"] == vch)
    assert item["parent"]["name"] == "model-vch" and item["parent"]["id"].startswith("resgroup-")
    assert item["vic_plugin"] == {"path": "/DC0/host/DC0_C0/Resources", "tls": "no-tls", "creating": False}


def test_a_list_reads_its_pools_names_with_the_inventory(vch, client, auth, base, world):
    """Issue 17: the list's ``parent`` names come from the inventory read, not from one more read of the pools."""
    assert client.get(f"{base}/vch", headers=auth).status_code == 200  # the session is logged in and cached
    faults = world.sim.faults
    faults.reset()
    try:
        for method in ("RetrievePropertiesEx", "CreateContainerView", "DestroyView", "Fetch"):
            faults.delay(method, 0, count=0)  # delay-only rules count the requests
        listed = client.get(f"{base}/vch", headers=auth).json
        cost = {r["method"]: r["hits"] for r in faults.list() if r["hits"]}
    finally:
        faults.reset()
    assert next(v for v in listed["vchs"] if v["id"] == vch)["parent"]["name"] == "model-vch"
    # The datacenter, the inventory through one container view, the VCHs' configurations.
    assert cost == {"RetrievePropertiesEx": 3, "CreateContainerView": 1, "DestroyView": 1}


def test_list_honours_compute_resource(vch, client, auth, base, ids):
    def listed(compute):
        r = client.get(f"{base}/vch?compute-resource={compute}", headers=auth)
        return r.status_code, [v["id"] for v in r.json.get("vchs", [])]

    assert listed("/DC0/host/DC0_C0")[0] == 200 and vch in listed("/DC0/host/DC0_C0")[1]
    assert vch in listed(ids["DC0_C0"])[1]
    assert vch not in listed("/DC0/host/DC0_H0")[1]
    status, _ = listed("/DC0/host/nowhere")
    assert status == 400


# --- input as 1.5.8 takes it ---------------------------------------------------------------------------------


def test_bad_input_is_400_naming_the_field(client, auth, base, doc):
    r = client.post(f"{base}/vch", json=_body("model-bad", debug="loud"), headers=auth)
    assert r.status_code == 400 and "debug" in r.json["errors"]
    assert violations(doc, "Error", r.json) == []
    r = client.delete(f"{base}/vch/vm-999999", json={"containers": "some"}, headers=auth)
    assert r.status_code == 400 and "containers" in r.json["errors"]


def test_unknown_fields_are_ignored_and_named(client, auth, base, ids):
    body = _body("model-unknown", shiny=True)
    body["compute"]["turbo"] = 1
    r = client.post(f"{base}/vch/validate", json=body, headers=auth)
    assert r.status_code == 200
    named = {f["path"]: f["level"] for f in r.json["findings"] if f["code"] == "input.unknown"}
    assert named == {"shiny": "warning", "compute.turbo": "warning"}


def test_limit_zero_is_unlimited(client, auth, base):
    body = _body("model-zero")
    body["compute"]["cpu"] = {"limit": {"value": 0, "units": "MHz"}}
    body["compute"]["memory"] = {"limit": {"value": 0, "units": "MiB"}}
    r = client.post(f"{base}/vch/validate?step=compute", json=body, headers=auth)
    assert r.status_code == 200 and not [f for f in r.json["findings"] if f["path"].endswith(".limit")]


def test_container_gateway_as_vic_ui_sends_it(vch, world):
    from vic_machine.operations.find import find_vch

    stored = find_vch(world.session, vch_id=vch).config.network.container_networks["outside"]
    assert str(stored.gateway) == "10.30.0.1/24"


@pytest.mark.parametrize("node", [("ClusterComputeResource", "DC0_C0"), ("ResourcePool", "Resources"),
                                  ("ComputeResource", "DC0_H0"), ("HostSystem", "DC0_H0"),
                                  ("HostSystem", "DC0_C0_H1")])
def test_compute_resource_by_any_id_1_5_8_takes(client, auth, base, ids, node):
    body = _body("model-compute")
    body["compute"]["resource"] = {"id": ids[node]}
    r = client.post(f"{base}/vch/validate?step=compute", json=body, headers=auth)
    assert r.status_code == 200
    assert not [f for f in r.json["findings"] if f["code"].startswith("compute.not_found")], r.json


# --- the rest of 1.5.8's paths ---------------------------------------------------------------------------------


def test_hello_version_and_the_base_resource(client):
    assert client.get("/container/hello").get_data(as_text=True) == (
        "You have successfully accessed the VCH Management API.")
    version = client.get("/container/version").get_data(as_text=True)
    assert re.fullmatch(r"v\d+\.\d+\.\d+-\d+-[0-9a-f]{7,40}", version), version
    for path in ("/container", "/container/"):
        r = client.get(path)
        assert r.status_code == 501 and r.json["code"] == "not_implemented"


def test_target_answers_1_5_8s_firewall_with_ours_apart(client, auth, base, doc):
    r = client.get(base, headers=auth)
    assert r.status_code == 200 and violations(doc, "Target", r.json) == []
    firewall = {h["target"]: h["in_supported_state"] for h in r.json["firewall"]}
    assert firewall and all(firewall.values())  # the world opened vic-engine on every host
    assert {h["host"] for h in r.json["vic_plugin"]["hosts"]} == set(firewall)
    r = client.post(f"{base}?action=firewall:allow&compute-resource=DC0_H0", headers=auth)
    assert r.status_code == 204 and r.data == b""
    r = client.post(f"{base}?action=firewall:allow&compute-resource=DC0_H0",
                    headers={**auth, "Prefer": "return=representation"})
    assert r.status_code == 200 and r.headers["Preference-Applied"] == "return=representation"
    assert r.json["firewall"] == [{"target": "DC0_H0", "in_supported_state": True}]
