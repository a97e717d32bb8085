package main

// Datastore host mounts. In 0.24.2 each host that creates a same-named local
// datastore replaces the Datastore object, so its `host` list names only the
// last host, while every host's `datastore` list is right. We rebuild each
// datastore's list from the hosts' side.

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

func fixDatastoreHosts() {
	mounts := map[types.ManagedObjectReference][]types.ManagedObjectReference{}
	for _, e := range simulator.Map.All("HostSystem") {
		host := e.(*simulator.HostSystem)
		for _, ds := range host.Datastore {
			mounts[ds] = append(mounts[ds], host.Self)
		}
	}
	for _, e := range simulator.Map.All("Datastore") {
		ds := e.(*simulator.Datastore)
		simulator.Map.WithLock(ds, func() {
			list := mountList(ds.Host, mounts[ds.Self])
			simulator.Map.Update(ds, []types.PropertyChange{{Name: "host", Val: list}})
		})
	}
}

// mountList keeps the mount info the datastore already has for a host and
// gives the others a plain read-write mount.
func mountList(have []types.DatastoreHostMount, hosts []types.ManagedObjectReference) []types.DatastoreHostMount {
	known := map[types.ManagedObjectReference]types.DatastoreHostMount{}
	for _, m := range have {
		known[m.Key] = m
	}
	list := make([]types.DatastoreHostMount, 0, len(hosts))
	for _, h := range hosts {
		if m, ok := known[h]; ok {
			list = append(list, m)
			continue
		}
		list = append(list, types.DatastoreHostMount{
			Key: h,
			MountInfo: types.HostMountInfo{
				AccessMode: string(types.HostMountModeReadWrite),
				Mounted:    types.NewBool(true),
				Accessible: types.NewBool(true),
			},
		})
	}
	return list
}
