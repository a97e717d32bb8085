"""Hosts without ruleset vic-engine (vSphere before 6.7): update firewall and validation fall back to vSPC.

The simulator's ``no_vic_engine=1`` model leaves the first host of each compute resource without vic-engine,
so cluster DC0_C0 mixes the two host models: DC0_C0_H0 as on 6.5, DC0_C0_H1 and DC0_C0_H2 as on 6.7.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from pyVmomi import vim

from sim.runner import Simulator
from tests.api_support import basic, make_app, target_path
from tests.test_validate_support import Vc, base_spec, find
from vic_machine.cli.main import main
from vic_machine.operations.firewall import update_firewall
from vic_machine.validate import ERROR, validate

OLD = "DC0_C0_H0"
NEW = ("DC0_C0_H1", "DC0_C0_H2")


@pytest.fixture(scope="module")
def vc():
    with Simulator.start(no_vic_engine=1) as sim:
        vc = Vc(sim)
        try:
            yield vc
        finally:
            vc.close()


@pytest.fixture(autouse=True)
def deny_afterwards(vc):
    yield
    vc.sim.faults.reset()
    update_firewall(vc.session, vc.inventory(), "DC0_C0", allow=False)


def _cli(vc, *args):
    sim = vc.sim
    return main(["update", "firewall", "--target", f"https://{sim.host}:{sim.port}", "--user", sim.username,
                 "--password", sim.password, "--thumbprint", sim.thumbprint_sha256, "--compute-resource", "DC0_C0",
                 *args])


def _rulesets(vc) -> dict[str, dict[str, bool]]:
    inv = vc.inventory()
    return {h.name: h.firewall_rulesets for h in inv.hosts_of(inv.find_compute("DC0_C0")[0])}


def _set(vc, host: str, ruleset: str, enabled: bool) -> None:
    firewall = find(vc.si, vim.HostSystem, host).configManager.firewallSystem
    (firewall.EnableRuleset if enabled else firewall.DisableRuleset)(id=ruleset)


def _hosts(capsys) -> dict[str, dict]:
    """The per-host results of a ``-o json`` run (the table's layout depends on the terminal)."""
    return {h["host"]: h for h in json.loads(capsys.readouterr().out)["hosts"]}


def test_allow_enables_vspc_where_vic_engine_is_missing_and_vic_engine_elsewhere(vc, capsys):
    assert _cli(vc, "--allow", "-o", "json") == 0
    hosts = _hosts(capsys)
    assert hosts[OLD]["message"].startswith(
        "ruleset vSPC enabled (the host has no ruleset vic-engine, as before vSphere 6.7")
    assert [hosts[n]["message"] for n in NEW] == ["ruleset vic-engine enabled"] * 2
    assert all(h["ok"] for h in hosts.values())
    rulesets = _rulesets(vc)
    assert "vic-engine" not in rulesets[OLD] and rulesets[OLD]["vSPC"] is True
    for name in NEW:
        # vSPC opens all outbound TCP: never on a host that has the narrower vic-engine.
        assert rulesets[name]["vic-engine"] is True and rulesets[name]["vSPC"] is False


def test_deny_disables_vspc_where_vic_engine_is_missing(vc, capsys):
    assert _cli(vc, "--allow") == 0
    capsys.readouterr()
    assert _cli(vc, "--deny", "-o", "json") == 0
    hosts = _hosts(capsys)
    assert all(h["ok"] for h in hosts.values())
    assert hosts[OLD]["ruleset"] == "vSPC" and {hosts[n]["ruleset"] for n in NEW} == {"vic-engine"}
    assert not any(r.get(k) for r in _rulesets(vc).values() for k in ("vic-engine", "vSPC"))


def test_a_host_with_neither_ruleset_is_reported_with_what_to_do(vc, capsys):
    # Stand-in for a host lacking both: the first host answers NotFound for vic-engine and for vSPC.
    vc.sim.faults.inject("EnableRuleset", "NotFound", count=2)
    assert _cli(vc, "--allow", "-o", "json") == 1
    hosts = _hosts(capsys)
    assert not hosts[OLD]["ok"] and hosts[OLD]["ruleset"] == ""
    assert "on host DC0_C0_H0: it has neither ruleset vic-engine nor vSPC" in hosts[OLD]["message"]
    assert "Open outbound 2377/tcp" in hosts[OLD]["message"]
    assert all(hosts[n]["ok"] for n in NEW)


def test_api_reports_the_ruleset_changed_per_host(vc):
    client = make_app(vc.sim).test_client()
    auth = basic(vc.sim.username, vc.sim.password)
    r = client.post(f"{target_path(vc.sim)}?action=firewall:allow&compute-resource=DC0_C0",
                    headers={**auth, "Prefer": "return=representation"})
    assert r.status_code == 200
    assert {h["host"]: (h["ok"], h["ruleset"]) for h in r.json["vic_plugin"]["hosts"]} == {
        OLD: (True, "vSPC"), NEW[0]: (True, "vic-engine"), NEW[1]: (True, "vic-engine")}


def test_validation_blocks_until_update_firewall_allows_then_passes(vc):
    spec = base_spec("vch-fw65")
    found = vc.validate(spec, target_display="https://vc.example.com")
    assert [(f.level, f.code) for f in found] == [(ERROR, "firewall.blocked")]
    assert f"{OLD}, {NEW[0]}, {NEW[1]}" in found[0].message
    assert "or vSPC on hosts without it" in found[0].remedy
    assert update_firewall(vc.session, vc.inventory(), "DC0_C0", allow=True)
    assert vc.validate(spec) == []
    update_firewall(vc.session, vc.inventory(), "DC0_C0", allow=False)
    assert [f.code for f in vc.validate(spec)] == ["firewall.blocked"]


def test_validation_reads_the_firewall_system_not_the_cached_host_config(vc):
    # The host's config.firewall is a cached copy that Enable/DisableRuleset need not refresh (nor does the
    # simulator's): a check reading it would still see every ruleset disabled.
    _set(vc, OLD, "vSPC", True)
    for name in NEW:
        _set(vc, name, "vic-engine", True)
    cached = find(vc.si, vim.HostSystem, NEW[0]).config.firewall.ruleset
    assert next(r for r in cached if r.key == "vic-engine").enabled is False
    assert vc.validate(base_spec("vch-fw65-state")) == []


def test_a_host_without_vic_engine_needs_vspc_enabled(vc):
    for name in NEW:
        _set(vc, name, "vic-engine", True)
    found = vc.validate(base_spec("vch-fw65-one"))
    assert [f.code for f in found] == ["firewall.blocked"]
    assert found[0].message.endswith(f": {OLD}")
    _set(vc, OLD, "vSPC", True)
    assert vc.validate(base_spec("vch-fw65-one")) == []


def test_validation_names_hosts_update_firewall_cannot_fix(vc):
    inventory = vc.inventory()
    neither = replace(inventory, hosts=tuple(
        replace(h, firewall_rulesets={k: v for k, v in h.firewall_rulesets.items() if k != "vSPC"})
        if h.name == OLD else h for h in inventory.hosts))
    found = validate(base_spec("vch-fw65-none"), neither, probes=False)
    assert [f.code for f in found] == ["firewall.blocked"]
    assert f"{OLD} have neither ruleset vic-engine nor vSPC: open outbound 2377/tcp" in found[0].remedy
    assert "vic-machine update firewall --allow" in found[0].remedy  # the other two hosts it can fix


def test_state_shown_is_the_ruleset_that_counts_on_each_host(vc, capsys):
    """The API's firewall state and ``vic-machine inventory`` report vSPC where vic-engine does not exist."""
    assert _cli(vc, "--allow", "-o", "json") == 0
    capsys.readouterr()
    client = make_app(vc.sim).test_client()
    r = client.get(f"{target_path(vc.sim)}?compute-resource=DC0_C0", headers=basic(vc.sim.username, vc.sim.password))
    assert r.status_code == 200
    state = {h["host"]: (h["ruleset"], h["enabled"]) for h in r.get_json()["vic_plugin"]["hosts"]}
    assert state == {OLD: ("vSPC", True), **{n: ("vic-engine", True) for n in NEW}}

    sim = vc.sim
    assert main(["inventory", "--target", f"https://{sim.host}:{sim.port}", "--user", sim.username,
                 "--password", sim.password, "--thumbprint", sim.thumbprint_sha256]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.startswith("DC0_C0_H")}
    assert "vSPC enabled" in rows[OLD] and all("vic-engine enabled" in rows[n] for n in NEW)
