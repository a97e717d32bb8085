"""The REST API on an ESXi host that no vCenter manages, on 1.5.8's paths (``/container/target/<host>/vch``):
create without a compute resource or bridge network, list, get, delete; the host's inventory, datastore and
networking as before; what needs vCenter refused as 400 naming the field."""

from __future__ import annotations

import pytest

from tests.api_support import basic, make_app, respond_async, sse_events, target_path
from tests.esxi_support import esxi_picture, esxi_spec, esxi_world  # noqa: F401
from vic_machine import spec as vch_spec


@pytest.fixture(scope="module")
def app(esxi_world):
    iso_dir = str(esxi_world.isos.appliance.path).rsplit("/", 1)[0]
    return make_app(esxi_world.sim, CREATE_TIMEOUT=30, ISO_DIR=iso_dir)


def test_create_list_get_delete(esxi_world, app):
    sim, session = esxi_world.sim, esxi_world.session
    client = app.test_client()
    auth = basic(sim.username, sim.password)
    before = esxi_picture(session)
    body = vch_spec.dump(esxi_spec("api-esx", "no-tls"))
    assert "compute" not in body or not body["compute"].get("resource")

    r = client.post(f"{target_path(sim)}/vch", json=body, headers=auth)
    assert r.status_code == 201, r.json
    r = client.get(f"{target_path(sim)}/vch", headers=auth)
    assert r.status_code == 200, r.json
    [listed] = r.json["vchs"]
    assert listed["name"] == "api-esx" and listed["power_state"] == "poweredOn"
    r = client.get(f"{target_path(sim)}/vch/{listed['id']}", headers=auth)
    assert r.status_code == 200, r.json
    # As 1.5.8 answers: by id; the bridge is the port group create made, named after the VCH.
    assert r.json["compute"]["resource"] == {"id": "ha-host"}
    bridge = r.json["network"]["bridge"]["port_group"]["id"]
    assert {n.name for n in session.content.rootFolder.childEntity[0].network if n._moId == bridge} == {"api-esx"}

    r = client.delete(f"{target_path(sim)}/vch/{listed['id']}", headers=auth)
    assert r.status_code == 202, r.json
    assert esxi_picture(session) == before


def test_vcenter_only_fields_refused(esxi_world, app):
    sim, session = esxi_world.sim, esxi_world.session
    before = esxi_picture(session)
    spec = esxi_spec("api-no-vc", "no-tls")
    spec.compute.affinity.use_vm_group = True
    r = app.test_client().post(f"{target_path(sim)}/vch", json=vch_spec.dump(spec),
                               headers=basic(sim.username, sim.password))
    assert r.status_code == 400
    assert "DRS VM groups may only be configured through vCenter" in r.json["message"]
    assert esxi_picture(session) == before


def test_firewall_of_the_host(esxi_world, app):
    sim = esxi_world.sim
    client, auth = app.test_client(), basic(sim.username, sim.password)
    r = client.post(f"{target_path(sim)}?action=firewall:deny", headers=auth)
    assert r.status_code == 204, r.json
    r = client.get(target_path(sim), headers=auth)
    assert r.json["firewall"] == [{"target": "localhost.localdomain", "in_supported_state": False}]
    r = client.post(f"{target_path(sim)}?action=firewall:allow", headers=auth)
    assert r.status_code == 204, r.json
    assert client.get(target_path(sim), headers=auth).json["firewall"][0]["in_supported_state"] is True


def test_async_create_and_delete(esxi_world, app, caplog):
    """``Prefer: respond-async``: a host has no extension tasks, so the operation is the server's own (and no
    vCenter task is tried: that would only log a failure)."""
    sim, session = esxi_world.sim, esxi_world.session
    client, auth = app.test_client(), basic(sim.username, sim.password)
    before = esxi_picture(session)
    r = client.post(f"{target_path(sim)}/vch", json=vch_spec.dump(esxi_spec("api-esx-async", "no-tls")),
                    headers=respond_async(auth))
    assert r.status_code == 202, r.json
    events = sse_events(client, r.json["id"], auth)
    steps = [e["step"] for k, e in events if k == "progress" and e["kind"] == "step"]
    assert "Create bridge network" in steps and "Create VM folder" not in steps
    kind, final = events[-1]
    assert kind == "end" and final["state"] == "success", final
    [listed] = [v for v in client.get(f"{target_path(sim)}/vch", headers=auth).json["vchs"]
                if v["name"] == "api-esx-async"]
    r = client.delete(f"{target_path(sim)}/vch/{listed['id']}", headers=auth)
    assert r.status_code == 202, r.json
    assert esxi_picture(session) == before
    assert not [r for r in caplog.records if "vCenter task" in r.getMessage()]
