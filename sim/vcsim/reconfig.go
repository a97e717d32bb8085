package main

// extraConfig as vSphere keeps it. 0.24.2 appends every entry of a
// reconfigure spec, so a key set twice appears twice and an empty value
// stays. vSphere replaces the value of an existing key and removes a key
// whose new value is empty; we restore that after each call that can add
// entries (see afterHooks in hooks.go).

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// normalizeExtraConfig applies "last value wins, empty removes" to vm's
// extraConfig, keeping each key at its first position.
func normalizeExtraConfig(vm *simulator.VirtualMachine) {
	simulator.Map.WithLock(vm, func() {
		if vm.Config == nil {
			return
		}
		list, changed := dedupeOptions(vm.Config.ExtraConfig)
		if changed {
			simulator.Map.Update(vm, []types.PropertyChange{{Name: "config.extraConfig", Val: list}})
		}
	})
}

func dedupeOptions(in []types.BaseOptionValue) ([]types.BaseOptionValue, bool) {
	index := map[string]int{}
	var out []types.BaseOptionValue
	changed := false
	for _, opt := range in {
		key := opt.GetOptionValue().Key
		if i, seen := index[key]; seen {
			out[i] = opt
			changed = true
			continue
		}
		index[key] = len(out)
		out = append(out, opt)
	}
	kept := out[:0]
	for _, opt := range out {
		if isEmptyValue(opt.GetOptionValue().Value) {
			changed = true
			continue
		}
		kept = append(kept, opt)
	}
	return kept, changed
}

func isEmptyValue(v types.AnyType) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	}
	return false
}

// normalizeVM normalizes one VM given by reference, if it is one.
func normalizeVM(ref types.ManagedObjectReference) {
	if vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine); ok {
		normalizeExtraConfig(vm)
	}
}

// normalizeAllVMs is for calls that create a VM whose reference the request
// does not name (CreateVM_Task, CloneVM_Task).
func normalizeAllVMs(types.ManagedObjectReference) {
	for _, e := range simulator.Map.All("VirtualMachine") {
		normalizeExtraConfig(e.(*simulator.VirtualMachine))
	}
}
