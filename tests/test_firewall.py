"""update firewall from the CLI and the API: the vic-engine ruleset on every host of a compute resource (vSphere 6.7+).

Hosts without vic-engine (vSphere 6.5): tests/test_firewall_vsphere65.py.
"""

import json

import pytest

from tests.api_support import basic, make_app, target_path
from tests.support import session_for
from vic_machine.cli.main import main
from vic_machine.inventory import take_snapshot


@pytest.fixture(scope="module")
def fw_sim(start_sim):
    return start_sim(cluster=2, host=2)


def _states(sim, cluster, ruleset="vic-engine"):
    session = session_for(sim)
    inv = take_snapshot(session)
    node = inv.find_compute(cluster)[0]
    states = {h.name: h.firewall_rulesets[ruleset] for h in inv.hosts_of(node)}
    session.logout()
    return states


def _cli(sim, *args):
    return main(["update", "firewall", "--target", f"https://{sim.host}:{sim.port}", "--user", sim.username,
                 "--password", sim.password, "--thumbprint", sim.thumbprint_sha256, *args])


def test_cli_allow_then_deny_toggles_only_that_cluster(fw_sim, capsys):
    assert _cli(fw_sim, "--compute-resource", "DC0_C0", "--allow") == 0
    assert "ruleset vic-engine enabled" in capsys.readouterr().out
    assert set(_states(fw_sim, "DC0_C0").values()) == {True}
    assert set(_states(fw_sim, "DC0_C1").values()) == {False}
    assert _cli(fw_sim, "--compute-resource", "DC0_C0", "--deny", "-o", "json") == 0
    hosts = json.loads(capsys.readouterr().out)["hosts"]
    assert len(hosts) == 2 and all(h["ok"] for h in hosts)
    assert set(_states(fw_sim, "DC0_C0").values()) == {False}


def test_cli_needs_allow_or_deny(fw_sim, capsys):
    assert _cli(fw_sim, "--compute-resource", "DC0_C0") == 2
    assert "--allow or --deny" in capsys.readouterr().err


def test_cli_unknown_compute_names_the_field(fw_sim, capsys):
    assert _cli(fw_sim, "--compute-resource", "nowhere", "--allow") == 2
    err = capsys.readouterr().err
    assert "compute.resource" in err and "DC0_C0" in err


def test_api_allow_and_read_back(fw_sim):
    client = make_app(fw_sim).test_client()
    auth = basic(fw_sim.username, fw_sim.password)
    ours = {**auth, "Prefer": "return=representation"}  # 200 with what was done, not 1.5.8's 204
    r = client.post(f"{target_path(fw_sim)}?action=firewall:allow&compute-resource=DC0_C1", headers=ours)
    assert r.status_code == 200 and all(h["ok"] for h in r.json["vic_plugin"]["hosts"])
    r = client.get(f"{target_path(fw_sim)}?compute-resource=DC0_C1", headers=auth)
    assert {h["enabled"] for h in r.json["vic_plugin"]["hosts"]} == {True}
    r = client.post(f"{target_path(fw_sim)}?action=firewall:deny&compute-resource=DC0_C1", headers=auth)
    assert set(_states(fw_sim, "DC0_C1").values()) == {False}
    r = client.post(f"{target_path(fw_sim)}?action=firewall:open", headers=auth)
    assert r.status_code == 400 and "firewall:allow" in r.json["message"]


def test_failure_on_one_host_is_reported_per_host_without_opening_vspc(fw_sim, capsys):
    # Only a missing vic-engine (NotFound) falls back to vSPC; another fault must not open all outbound TCP.
    fw_sim.faults.inject("EnableRuleset", "HostConfigFault", count=1, message="firewall unavailable")
    try:
        assert _cli(fw_sim, "--compute-resource", "DC0_C0", "--allow") == 1
    finally:
        fw_sim.faults.reset()
    out = capsys.readouterr().out
    assert "FAILED" in out and "HostConfigFault" in out and "ok: ruleset vic-engine enabled" in out
    assert sorted(_states(fw_sim, "DC0_C0").values()) == [False, True]
    assert set(_states(fw_sim, "DC0_C0", "vSPC").values()) == {False}
    _cli(fw_sim, "--compute-resource", "DC0_C0", "--deny")


def test_vspc_is_left_alone_where_vic_engine_exists(fw_sim, capsys):
    assert _cli(fw_sim, "--compute-resource", "DC0_C1", "--allow", "-o", "json") == 0
    hosts = json.loads(capsys.readouterr().out)["hosts"]
    assert {h["ruleset"] for h in hosts} == {"vic-engine"}
    assert set(_states(fw_sim, "DC0_C1", "vSPC").values()) == {False}
    _cli(fw_sim, "--compute-resource", "DC0_C1", "--deny")
