"""Host firewalls on the simulator: vic-engine (vSphere 6.7+), hosts without it (6.5 style), one firewall per host."""

from __future__ import annotations

import pytest
from pyVim.connect import Disconnect
from pyVmomi import vim

from sim.runner import Simulator, SimulatorError


def all_hosts(si: vim.ServiceInstance) -> list[vim.HostSystem]:
    view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [vim.HostSystem], True)
    try:
        return sorted(view.view, key=lambda h: h.name)
    finally:
        view.DestroyView()


def ruleset(host: vim.HostSystem, key: str) -> vim.host.Ruleset | None:
    """The ruleset as the host's firewall system has it (the firewall's state)."""
    return next((r for r in host.configManager.firewallSystem.firewallInfo.ruleset if r.key == key), None)


def test_every_host_has_vic_engine_disabled_for_outbound_2377(si):
    hosts = all_hosts(si)
    assert len(hosts) == 4
    for host in hosts:
        rs = ruleset(host, "vic-engine")
        assert rs.enabled is False
        (rule,) = rs.rule
        assert (rule.port, rule.direction, rule.protocol) == (2377, "outbound", "tcp")


def test_enable_and_disable_on_one_host_only(si):
    host, other = all_hosts(si)[:2]
    firewall = host.configManager.firewallSystem
    firewall.EnableRuleset("vic-engine")
    try:
        assert ruleset(host, "vic-engine").enabled is True
        assert ruleset(other, "vic-engine").enabled is False
    finally:
        firewall.DisableRuleset("vic-engine")
    assert ruleset(host, "vic-engine").enabled is False


def test_host_config_is_a_cached_copy_the_firewall_does_not_refresh(si):
    # Strict on purpose: the API promises the firewall state in the firewall system only.
    host = all_hosts(si)[0]
    firewall = host.configManager.firewallSystem
    firewall.EnableRuleset("vic-engine")
    try:
        cached = next(r for r in host.config.firewall.ruleset if r.key == "vic-engine")
        assert cached.enabled is False and ruleset(host, "vic-engine").enabled is True
    finally:
        firewall.DisableRuleset("vic-engine")


def test_unknown_ruleset_is_not_found(si):
    firewall = all_hosts(si)[0].configManager.firewallSystem
    with pytest.raises(vim.fault.NotFound):
        firewall.EnableRuleset("no-such-ruleset")
    with pytest.raises(vim.fault.NotFound):
        firewall.DisableRuleset("no-such-ruleset")


@pytest.fixture(scope="module")
def mixed(start_sim):
    """The first host of each cluster and the standalone host without vic-engine, as on vSphere 6.5."""
    sim = start_sim(cluster=2, host=2, no_vic_engine=1)
    si = sim.connect()
    yield si
    Disconnect(si)


def test_no_vic_engine_model_leaves_the_first_hosts_of_each_compute_resource_without_it(mixed):
    without = {h.name for h in all_hosts(mixed) if ruleset(h, "vic-engine") is None}
    assert without == {"DC0_C0_H0", "DC0_C1_H0", "DC0_H0"}
    for host in all_hosts(mixed):
        vspc = ruleset(host, "vSPC")
        assert vspc is not None and vspc.enabled is False
        assert all(r.key != "vic-engine" for r in host.config.firewall.ruleset) == (host.name in without)


def test_vic_engine_on_a_host_without_it_is_not_found_and_vspc_works(mixed):
    host = next(h for h in all_hosts(mixed) if h.name == "DC0_C0_H0")
    firewall = host.configManager.firewallSystem
    with pytest.raises(vim.fault.NotFound):
        firewall.EnableRuleset("vic-engine")
    with pytest.raises(vim.fault.NotFound):
        firewall.DisableRuleset("vic-engine")
    firewall.EnableRuleset("vSPC")
    try:
        assert ruleset(host, "vSPC").enabled is True
    finally:
        firewall.DisableRuleset("vSPC")


def test_no_vic_engine_must_not_be_negative():
    with pytest.raises(SimulatorError, match="-no-vic-engine must not be negative"):
        Simulator.start(no_vic_engine=-1)
