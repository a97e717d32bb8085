package main

// ESX mode (-esx): hostd's model instead of vCenter's. govmomi's ESX model
// is ha-datacenter with one host (its ComputeResource ha-compute-res and
// root pool ha-root-pool), about.apiType "HostAgent", and the service
// content of a lone host: no extension manager, no custom fields manager,
// no license assignment manager. Nothing vCenter-only is installed on top
// of it (no extension manager methods, no extension tasks), so a client
// that needs vCenter fails here as on a real host.
//
// hostd lists every network the host has in the host's "network" property;
// 0.24.2's AddPortGroup and RemovePortGroup change the network folder but
// not that list, so syncHostNetworks brings it up to date after each.

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// esxModel is the hostd model with n datastores and no VMs of its own
// (createVMs gives the host its VMs, as in vCenter mode).
func esxModel(datastores int) *simulator.Model {
	model := simulator.ESX()
	model.Datastore = datastores
	model.Machine = 0
	return model
}

// syncHostNetworks makes the "network" list of the host owning network
// system ns hold exactly its port groups' networks (plus any distributed
// or opaque network it had), and each such network's "host" list name it.
func syncHostNetworks(ns types.ManagedObjectReference) {
	system, ok := simulator.Map.Get(ns).(*simulator.HostNetworkSystem)
	if !ok || system.Host == nil || system.NetworkInfo == nil {
		return
	}
	host, ok := simulator.Map.Get(system.Host.Self).(*simulator.HostSystem)
	if !ok {
		return
	}
	names := map[string]bool{}
	for _, pg := range system.NetworkInfo.Portgroup {
		names[pg.Spec.Name] = true
	}
	dc := datacenterOf(&host.ManagedEntity)
	if dc == nil {
		return
	}
	folder, ok := simulator.Map.Get(dc.NetworkFolder).(*simulator.Folder)
	if !ok {
		return
	}
	var list []types.ManagedObjectReference
	for _, ref := range host.Network {
		if ref.Type != "Network" {
			list = append(list, ref)
		}
	}
	for _, ref := range folder.ChildEntity {
		network, ok := simulator.Map.Get(ref).(*mo.Network)
		if !ok || ref.Type != "Network" || !names[network.Name] {
			continue
		}
		list = append(list, ref)
		if !hasRef(network.Host, host.Self) {
			simulator.Map.Update(network, []types.PropertyChange{{Name: "host", Val: append(network.Host, host.Self)}})
		}
	}
	simulator.Map.Update(host, []types.PropertyChange{{Name: "network", Val: list}})
}

func hasRef(list []types.ManagedObjectReference, ref types.ManagedObjectReference) bool {
	for _, r := range list {
		if r == ref {
			return true
		}
	}
	return false
}
