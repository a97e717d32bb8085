package main

// Host firewalls: one per host, the vic-engine ruleset of vSphere 6.7 and
// later, and hosts without it (vSphere 6.5 style, -no-vic-engine).
//
// In 0.24.2 every host's firewall system copies only the top-level struct of
// one template, so all hosts shared one ruleset array: enabling a ruleset on
// one host enabled it everywhere. Each host gets its own rulesets here.
//
// The firewall system's firewallInfo is the firewall's state: Enable- and
// DisableRuleset change it, and a ruleset the host does not have is NotFound
// (0.24.2 already answers so). A host's config.firewall is vCenter's cached
// copy of the host's configuration, which the vSphere API does not promise
// to refresh when the firewall changes; as in 0.24.2 it keeps what the host
// had at start-up, so a reader of the cache, instead of the firewall system,
// is caught by the tests.

import (
	"sort"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

const (
	vicEngineKey = "vic-engine"
	// vSPC opens all outbound TCP; VIC uses it on hosts that lack vic-engine.
	vspcKey = "vSPC"
)

// vicEngineRuleset is the rule VCH endpoints need: outbound to 2377/tcp.
func vicEngineRuleset() types.HostFirewallRuleset {
	return types.HostFirewallRuleset{
		Key:      vicEngineKey,
		Label:    vicEngineKey,
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

// installFirewallRulesets gives every host its own firewall; in each compute
// resource the first withoutVicEngine hosts by name have no vic-engine
// ruleset, the others have it (disabled).
func installFirewallRulesets(withoutVicEngine int) {
	byParent := map[types.ManagedObjectReference][]*simulator.HostSystem{}
	for _, e := range simulator.Map.All("HostSystem") {
		host := e.(*simulator.HostSystem)
		var parent types.ManagedObjectReference
		if host.Parent != nil {
			parent = *host.Parent
		}
		byParent[parent] = append(byParent[parent], host)
	}
	for _, hosts := range byParent {
		sort.Slice(hosts, func(i, j int) bool { return hosts[i].Name < hosts[j].Name })
		for i, host := range hosts {
			ownFirewall(host, i >= withoutVicEngine)
		}
	}
	// Hosts added later (AddHost_Task, AddStandaloneHost_Task) get one too.
	simulator.Map.AddHandler(&hostWatcher{})
}

func ownFirewall(host *simulator.HostSystem, vicEngine bool) {
	if host.ConfigManager.FirewallSystem == nil || host.Config == nil {
		return
	}
	fs, ok := simulator.Map.Get(*host.ConfigManager.FirewallSystem).(*simulator.HostFirewallSystem)
	if !ok || fs.FirewallInfo == nil {
		return
	}
	info := copyFirewallInfo(fs.FirewallInfo)
	kept := info.Ruleset[:0]
	for _, rs := range info.Ruleset {
		if rs.Key != vicEngineKey {
			kept = append(kept, rs)
		}
	}
	if vicEngine {
		kept = append(kept, vicEngineRuleset())
	}
	info.Ruleset = kept
	fs.FirewallInfo = info
	host.Config.Firewall = copyFirewallInfo(info)
}

// copyFirewallInfo is a deep copy: nothing of it is shared with info.
func copyFirewallInfo(info *types.HostFirewallInfo) *types.HostFirewallInfo {
	out := *info
	out.DefaultPolicy.IncomingBlocked = copyBool(info.DefaultPolicy.IncomingBlocked)
	out.DefaultPolicy.OutgoingBlocked = copyBool(info.DefaultPolicy.OutgoingBlocked)
	out.Ruleset = make([]types.HostFirewallRuleset, len(info.Ruleset))
	for i, rs := range info.Ruleset {
		rs.Rule = append([]types.HostFirewallRule(nil), rs.Rule...)
		if rs.AllowedHosts != nil {
			hosts := *rs.AllowedHosts
			hosts.IpAddress = append([]string(nil), hosts.IpAddress...)
			hosts.IpNetwork = append([]types.HostFirewallRulesetIpNetwork(nil), hosts.IpNetwork...)
			rs.AllowedHosts = &hosts
		}
		out.Ruleset[i] = rs
	}
	return &out
}

func copyBool(b *bool) *bool {
	if b == nil {
		return nil
	}
	v := *b
	return &v
}

// hostWatcher is a registry handler that sees every object put into the
// inventory.
type hostWatcher struct{}

func (*hostWatcher) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "VicSimHostWatcher", Value: "host-watcher"}
}

func (*hostWatcher) PutObject(obj mo.Reference) {
	if host, ok := obj.(*simulator.HostSystem); ok {
		ownFirewall(host, true)
	}
}

func (*hostWatcher) UpdateObject(mo.Reference, []types.PropertyChange) {}

func (*hostWatcher) RemoveObject(types.ManagedObjectReference) {}
