package main

// The vic-engine firewall ruleset on every host, and a firewall per host.
//
// In 0.24.2 every host's config.firewall points at one shared template and
// every firewall system copies only its top-level struct, so enabling a
// ruleset on one host enabled it everywhere and config.firewall never
// matched the firewall system. Each host gets its own HostFirewallInfo,
// shared by its firewall system and its config.firewall.

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// vicEngineRuleset is the rule VCH endpoints need: outbound to 2377/tcp.
func vicEngineRuleset() types.HostFirewallRuleset {
	return types.HostFirewallRuleset{
		Key:      "vic-engine",
		Label:    "vic-engine",
		Required: false,
		Rule: []types.HostFirewallRule{{
			Port:      2377,
			Direction: types.HostFirewallRuleDirectionOutbound,
			PortType:  types.HostFirewallRulePortTypeDst,
			Protocol:  string(types.HostFirewallRuleProtocolTcp),
		}},
		Service: "",
		Enabled: false,
		AllowedHosts: &types.HostFirewallRulesetIpList{
			AllIp: true,
		},
	}
}

func installFirewallRulesets() {
	for _, e := range simulator.Map.All("HostSystem") {
		ownFirewall(e.(*simulator.HostSystem))
	}
	// Hosts added later (AddHost_Task, AddStandaloneHost_Task) get one too.
	simulator.Map.AddHandler(&hostWatcher{})
}

func ownFirewall(host *simulator.HostSystem) {
	if host.ConfigManager.FirewallSystem == nil || host.Config == nil {
		return
	}
	fs, ok := simulator.Map.Get(*host.ConfigManager.FirewallSystem).(*simulator.HostFirewallSystem)
	if !ok || fs.FirewallInfo == nil {
		return
	}
	info := *fs.FirewallInfo
	info.Ruleset = nil
	for _, rs := range fs.FirewallInfo.Ruleset {
		if rs.Key != "vic-engine" {
			info.Ruleset = append(info.Ruleset, rs)
		}
	}
	info.Ruleset = append(info.Ruleset, vicEngineRuleset())
	fs.FirewallInfo = &info
	host.Config.Firewall = &info
}

// hostWatcher is a registry handler that sees every object put into the
// inventory.
type hostWatcher struct{}

func (*hostWatcher) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "VicSimHostWatcher", Value: "host-watcher"}
}

func (*hostWatcher) PutObject(obj mo.Reference) {
	if host, ok := obj.(*simulator.HostSystem); ok {
		ownFirewall(host)
	}
}

func (*hostWatcher) UpdateObject(mo.Reference, []types.PropertyChange) {}

func (*hostWatcher) RemoveObject(types.ManagedObjectReference) {}
