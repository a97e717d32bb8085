"""configure from ``vic-machine configure`` and from ``PATCH|PUT …/vch/<id>``, on the simulator and the appliance
stand-in: live and restart changes, refusals (bad input, fixed fields, the lock) and --reset-progress."""

from __future__ import annotations

import json

import pytest

from tests.api_support import basic, make_app, sse_events, target_path
from tests.vch_support import vch_spec
from vic_machine.cli.main import main
from vic_machine.extraconfig.keys import UPDATE_STATUS_KEY
from vic_machine.operations.configure_steps import write_extra
from vic_machine.operations.create import create
from vic_machine.operations.find import find_vch
from vic_machine.operations.wait import read_config
from vic_machine.vsphere.collector import retrieve_objects


@pytest.fixture(scope="module")
def env(vch_world):
    world = vch_world()
    result = create(world.session, vch_spec("vch-cfg", "no-tlsverify"), isos=world.isos, timeout=20)
    return world.sim, world.session, world.target_args, result.vm


def _cpu_limit(session, vm_id):
    vch = find_vch(session, vch_id=vm_id)
    pool = retrieve_objects(session.content, [vch.vm], ["resourcePool"])[vch.vm]["resourcePool"]
    return retrieve_objects(session.content, [pool], ["config"])[pool]["config"].cpuAllocation.limit


def _config(session, vm_id):
    return read_config(session, find_vch(session, vch_id=vm_id).vm)


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_live_and_restart_changes(env, capsys):
    _, session, target, vm_id = env
    code, out, err = run(capsys, "configure", *target, "--id", vm_id, "--cpu", "1500", "--output", "json")
    assert code == 0, err
    assert json.loads(out) == {"id": vm_id, "name": "vch-cfg", "changed": ["compute.cpu.limit"],
                               "needs_restart": False, "applied": True, "warnings": []}
    assert _cpu_limit(session, vm_id) == 1500

    code, out, err = run(capsys, "configure", *target, "--name", "vch-cfg", "--debug", "1", "--dns-server",
                         "192.0.2.7", "--timeout", "20s")
    assert code == 0, err
    assert "restarted" in out and "debug" in out
    config = _config(session, vm_id)
    assert config.debug_level == 1 and config.components_started
    assert [str(s) for s in config.endpoint("public").network.nameservers] == ["192.0.2.7"]


def test_cli_refusals_and_reset_progress(env, capsys):
    _, session, target, vm_id = env
    code, _, err = run(capsys, "configure", *target, "--id", vm_id, "--debug", "9")
    assert code == 2 and "debug" in err
    vch = find_vch(session, vch_id=vm_id)
    write_extra(vch.vm, {UPDATE_STATUS_KEY: "true"}, "lock", vch.name)
    code, _, err = run(capsys, "configure", *target, "--id", vm_id, "--cpu", "1600")
    assert code == 1 and "--reset-progress" in err and _cpu_limit(session, vm_id) == 1500
    code, _, err = run(capsys, "configure", *target, "--id", vm_id, "--cpu", "1600", "--reset-progress")
    assert code == 0, err
    assert _cpu_limit(session, vm_id) == 1600 and not _config(session, vm_id).update_in_progress


def test_api_patch_restart_change_and_refusals(env):
    sim, session, _, vm_id = env
    client = make_app(sim, CREATE_TIMEOUT=20).test_client()
    auth = basic(sim.username, sim.password)
    path = f"{target_path(sim)}/vch/{vm_id}"

    r = client.patch(path, json={"syslog_addr": "udp://192.0.2.10:514"}, headers=auth)
    assert r.status_code == 202, r.json
    assert r.json["configure"]["needs_restart"] is True
    events = sse_events(client, r.json["id"], auth)
    assert any("restarts the VCH" in e.get("message", "") for _, e in events)
    kind, final = events[-1]
    assert kind == "end" and final["state"] == "success", final
    syslog = _config(session, vm_id).executor.diagnostics.syslog
    assert (syslog.network, syslog.raddr) == ("udp", "192.0.2.10:514")

    r = client.patch(path, json={"name": "other"}, headers=auth)
    assert r.status_code == 400 and "name" in r.json["errors"]
    r = client.patch(path, json={"network": {"container": [{"port_group": {"name": "nope"}}]}}, headers=auth)
    assert r.status_code == 400 and any(k.startswith("network.container") for k in r.json["errors"])

    vch = find_vch(session, vch_id=vm_id)
    write_extra(vch.vm, {UPDATE_STATUS_KEY: "true"}, "lock", vch.name)
    r = client.patch(path, json={"compute": {"cpu": {"limit": {"value": 1700, "units": "MHz"}}}}, headers=auth)
    assert r.status_code == 409 and "reset" in r.json["message"]
    r = client.patch(f"{path}?reset_progress=true",
                     json={"compute": {"cpu": {"limit": {"value": 1700, "units": "MHz"}}}}, headers=auth)
    assert r.status_code == 202
    assert sse_events(client, r.json["id"], auth)[-1][1]["state"] == "success"
    assert _cpu_limit(session, vm_id) == 1700


def test_api_put_whole_model(env):
    sim, session, _, vm_id = env
    client = make_app(sim, CREATE_TIMEOUT=20).test_client()
    auth = basic(sim.username, sim.password)
    from vic_machine.operations.configure_spec import current_spec
    from vic_machine.spec import dump

    spec, _ = current_spec(session, find_vch(session, vch_id=vm_id))
    body = dump(spec)  # as a client would have it: without secrets
    body["compute"]["cpu"]["limit"] = {"value": 1800, "units": "MHz"}
    r = client.put(f"{target_path(sim)}/vch/{vm_id}", json=body, headers=auth)
    assert r.status_code == 202, r.json
    assert r.json["configure"] == {"id": vm_id, "name": "vch-cfg", "changed": ["compute.cpu.limit"],
                                   "needs_restart": False, "applied": False, "warnings": []}
    assert sse_events(client, r.json["id"], auth)[-1][1]["state"] == "success"
    assert _cpu_limit(session, vm_id) == 1800


def test_api_current_spec_and_dry_run_change_nothing(env):
    sim, session, _, vm_id = env
    client = make_app(sim, CREATE_TIMEOUT=20).test_client()
    auth = basic(sim.username, sim.password)
    path = f"{target_path(sim)}/vch/{vm_id}"
    current = client.get(f"{path}/spec", headers=auth)
    assert current.status_code == 200
    body = current.json
    assert body["vch"]["name"] == "vch-cfg" and body["configurable"]["live"] and body["configurable"]["restart"]
    assert "password" not in json.dumps(body["vch"]) and "private_key" not in json.dumps(body["vch"])
    before = _cpu_limit(session, vm_id)
    r = client.patch(f"{path}?dry_run=true", json={"compute": {"cpu": {"limit": {"value": 1234, "units": "MHz"}}}},
                     headers=auth)
    assert r.status_code == 200 and r.json["configure"]["needs_restart"] is False
    r = client.patch(f"{path}?dry_run=true", json={"debug": 2}, headers=auth)
    assert r.status_code == 200 and r.json["configure"]["needs_restart"] is True
    assert _cpu_limit(session, vm_id) == before
    assert client.get(f"{path}/spec", headers=auth).json["vch"].get("debug", 0) == body["vch"].get("debug", 0)
    r = client.patch(f"{path}?dry_run=true&reset_progress=true", json={}, headers=auth)
    assert r.status_code == 400 and "dry_run" in r.json["errors"]
