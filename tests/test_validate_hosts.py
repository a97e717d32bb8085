"""Firewall and license findings, from hosts' rulesets and their assigned license features.

vcsim 0.24.2 has no HostFirewallSystem.UpdateDefaultPolicy, so the "firewall off" state is made by editing
the snapshot; licenses are set through the simulator's ``/_sim/license`` control endpoint.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from pyVmomi import vim

from sim.control import LicenseClient
from tests.test_validate_support import base_spec, clean_vc, codes, find, set_ruleset
from vic_machine.validate import ERROR, WARNING, validate


@pytest.fixture(scope="module")
def vc():
    # One simulator for the module; each test restores the rulesets and licenses it changed.
    with clean_vc() as vc:
        yield vc


@pytest.fixture(autouse=True)
def restore(vc):
    yield
    set_ruleset(vc.si, True)
    set_ruleset(vc.si, False, ruleset="vSPC")
    LicenseClient(vc.sim.control_url).reset()


def _ruleset(vc, host: str, ruleset: str, enabled: bool) -> None:
    firewall = find(vc.si, vim.HostSystem, host).configManager.firewallSystem
    (firewall.EnableRuleset if enabled else firewall.DisableRuleset)(id=ruleset)


def test_firewall_blocks_2377_on_every_host_until_vic_engine_is_enabled(vc):
    spec = base_spec("vch-fw")
    set_ruleset(vc.si, False)
    found = vc.validate(spec, target_display="https://vc.example.com")
    assert [(f.level, f.code, f.path, f.step) for f in found] == [
        (ERROR, "firewall.blocked", "compute.resource", "compute")]
    assert "DC0_C0_H0, DC0_C0_H1, DC0_C0_H2" in found[0].message
    assert "vic-machine update firewall --allow --target https://vc.example.com" in found[0].remedy
    assert "/DC0/host/DC0_C0" in found[0].remedy
    set_ruleset(vc.si, True)
    assert vc.validate(spec) == []


def test_firewall_names_only_the_blocked_host(vc):
    _ruleset(vc, "DC0_C0_H1", "vic-engine", False)
    found = vc.validate(base_spec("vch-fw1"))
    assert codes(found) == {"firewall.blocked"}
    assert "DC0_C0_H1" in found[0].message and "DC0_C0_H0" not in found[0].message


def test_vspc_ruleset_also_lets_2377_out(vc):
    # vSphere 6.5 hosts have no vic-engine ruleset; VIC 1.5 accepted vSPC there.
    set_ruleset(vc.si, False)
    set_ruleset(vc.si, True, ruleset="vSPC")
    assert vc.validate(base_spec("vch-vspc")) == []


def test_hosts_not_reaching_the_image_datastore_need_no_open_firewall(vc, tmp_path):
    host = find(vc.si, vim.HostSystem, "DC0_C0_H0")
    host.configManager.datastoreSystem.CreateLocalDatastore(name="H0Local", path=str(tmp_path))
    spec = base_spec("vch-fw-ds")
    spec.storage.image_stores = ["H0Local"]
    _ruleset(vc, "DC0_C0_H1", "vic-engine", False)
    assert "firewall.blocked" not in codes(vc.validate(spec))
    _ruleset(vc, "DC0_C0_H0", "vic-engine", False)
    assert "firewall.blocked" in codes(vc.validate(spec))


def test_firewall_switched_off_is_a_warning(vc):
    spec = base_spec("vch-fw-off")
    inventory = vc.inventory()
    open_policy = replace(inventory, hosts=tuple(
        replace(h, firewall_allows_outgoing=True, firewall_rulesets={}) for h in inventory.hosts))
    found = validate(spec, open_policy, probes=False)
    assert [(f.level, f.code) for f in found] == [(WARNING, "firewall.disabled")]
    assert validate(spec, inventory, probes=False) == []


def test_license_without_dvs_on_every_host(vc):
    licenses = LicenseClient(vc.sim.control_url)
    spec = base_spec("vch-lic")
    assert licenses.set(["serialuri:2"]) == {"all": ["serialuri:2"], "hosts": {}}
    found = vc.validate(spec)
    assert [(f.level, f.code) for f in found] == [(ERROR, "license.features_missing")]
    assert "missing dvs on DC0_C0_H0, DC0_C0_H1, DC0_C0_H2" in found[0].message
    assert "serialuri" not in found[0].message.split("missing", 1)[1]
    licenses.reset()
    assert licenses.get() == {"all": None, "hosts": {}}
    assert vc.validate(spec) == []


def test_license_without_serialuri_on_one_host(vc):
    licenses = LicenseClient(vc.sim.control_url)
    licenses.set(["dvs"], host=find(vc.si, vim.HostSystem, "DC0_C0_H2")._moId)
    found = vc.validate(base_spec("vch-lic1"))
    assert codes(found) == {"license.features_missing"}
    assert found[0].message.endswith("missing serialuri on DC0_C0_H2")
    # Another cluster's host lacking it does not matter.
    licenses.reset()
    licenses.set([], host=find(vc.si, vim.HostSystem, "DC0_H0")._moId)
    assert vc.validate(base_spec("vch-lic1")) == []


def test_license_endpoint_refuses_an_unknown_host(vc):
    with pytest.raises(ValueError, match="no host"):
        LicenseClient(vc.sim.control_url).set(["dvs"], host="host-999")
