package main

// VirtualMachine.rootSnapshot as vSphere keeps it: the roots of the VM's
// snapshot trees. vcsim 0.24.2 keeps snapshot.rootSnapshotList but leaves
// rootSnapshot empty for ever, so a client reading it (ls, to know which VCHs
// have snapshots at all) would see none; it is set from the trees after each
// call that changes them (afterHooks in hooks.go).

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

func syncRootSnapshots(types.ManagedObjectReference) {
	for _, e := range simulator.Map.All("VirtualMachine") {
		vm := e.(*simulator.VirtualMachine)
		simulator.Map.WithLock(vm, func() {
			var roots []types.ManagedObjectReference
			if vm.Snapshot != nil {
				for _, tree := range vm.Snapshot.RootSnapshotList {
					roots = append(roots, tree.Snapshot)
				}
			}
			if !sameRefs(roots, vm.RootSnapshot) {
				simulator.Map.Update(vm, []types.PropertyChange{{Name: "rootSnapshot", Val: roots}})
			}
		})
	}
}

func sameRefs(a, b []types.ManagedObjectReference) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
