package main

// DRS on and off. 0.24.2's ReconfigureComputeResource_Task applies rules,
// groups and overrides but ignores the spec's drsConfig, so a cluster's DRS
// could never be disabled. The request's drsConfig.enabled is applied here,
// before the simulator handles the rest of the call.

import (
	"regexp"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

var drsEnabled = regexp.MustCompile(`(?s)<drsConfig[^>]*>.*?<enabled>(true|false)</enabled>.*?</drsConfig>`)

func applyDrsConfig(this types.ManagedObjectReference, body []byte) {
	match := drsEnabled.FindSubmatch(body)
	if match == nil {
		return
	}
	cluster, ok := simulator.Map.Get(this).(*simulator.ClusterComputeResource)
	if !ok {
		return
	}
	simulator.Map.WithLock(cluster, func() {
		if config, ok := cluster.ConfigurationEx.(*types.ClusterConfigInfoEx); ok {
			config.DrsConfig.Enabled = types.NewBool(string(match[1]) == "true")
		}
	})
}
