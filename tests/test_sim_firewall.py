"""The vic-engine firewall ruleset on the simulator's hosts."""

from __future__ import annotations

import pytest
from pyVmomi import vim


def all_hosts(si: vim.ServiceInstance) -> list[vim.HostSystem]:
    view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [vim.HostSystem], True)
    try:
        return list(view.view)
    finally:
        view.DestroyView()


def vic_engine(host: vim.HostSystem) -> vim.host.Ruleset:
    return next(r for r in host.config.firewall.ruleset if r.key == "vic-engine")


def test_every_host_has_vic_engine_disabled_for_outbound_2377(si):
    hosts = all_hosts(si)
    assert len(hosts) == 4
    for host in hosts:
        ruleset = vic_engine(host)
        assert ruleset.enabled is False
        (rule,) = ruleset.rule
        assert (rule.port, rule.direction, rule.protocol) == (2377, "outbound", "tcp")


def test_enable_and_disable_on_one_host_only(si):
    host, other = all_hosts(si)[:2]
    firewall = host.configManager.firewallSystem
    firewall.EnableRuleset("vic-engine")
    try:
        assert vic_engine(host).enabled is True
        seen = next(r for r in firewall.firewallInfo.ruleset if r.key == "vic-engine")
        assert seen.enabled is True
        assert vic_engine(other).enabled is False
    finally:
        firewall.DisableRuleset("vic-engine")
    assert vic_engine(host).enabled is False


def test_unknown_ruleset_is_not_found(si):
    firewall = all_hosts(si)[0].configManager.firewallSystem
    with pytest.raises(vim.fault.NotFound):
        firewall.EnableRuleset("no-such-ruleset")
