package main

// Uplink port groups marked as such. 0.24.2 creates a "<dvs>-DVUplinks-N"
// port group for every switch but leaves the switch's config.uplinkPortgroup
// empty and the port group's config.uplink unset, so clients could not tell
// it from a port group VMs may use. Real vCenter sets both.

import (
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

func markUplinkPortgroups() {
	for _, e := range simulator.Map.All("DistributedVirtualPortgroup") {
		pg := e.(*simulator.DistributedVirtualPortgroup)
		if !strings.Contains(pg.Name, "-DVUplinks") || pg.Config.DistributedVirtualSwitch == nil {
			continue
		}
		pg.Config.Uplink = types.NewBool(true)
		dvs, ok := simulator.Map.Get(*pg.Config.DistributedVirtualSwitch).(*simulator.DistributedVirtualSwitch)
		if !ok {
			continue
		}
		config := dvs.Config.GetDVSConfigInfo()
		config.UplinkPortgroup = append(config.UplinkPortgroup, pg.Self)
	}
}
