package main

// ExtensionManager: govmomi 0.24.2 has the managed object in its service
// content but none of its methods.

import (
	"fmt"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// ExtensionManager keeps registered extensions in extensionList, which the
// property collector reads like any other property.
type ExtensionManager struct {
	mo.ExtensionManager

	// certificates set through SetExtensionCertificate, by extension key
	certificates map[string]string
}

func installExtensionManager() {
	content := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content
	m := &ExtensionManager{certificates: map[string]string{}}
	m.Self = *content.ExtensionManager
	simulator.Map.Put(m) // replaces the method-less object of the same reference
}

func (m *ExtensionManager) find(key string) int {
	for i := range m.ExtensionList {
		if m.ExtensionList[i].Key == key {
			return i
		}
	}
	return -1
}

func (m *ExtensionManager) setList(list []types.Extension) {
	simulator.Map.Update(m, []types.PropertyChange{{Name: "extensionList", Val: list}})
}

func notFound(key string) *soap.Fault {
	return simulator.Fault(fmt.Sprintf("extension %q is not registered", key), &types.NotFound{})
}

// RegisterExtension adds an extension; a key already in use is InvalidArgument, as in vCenter.
func (m *ExtensionManager) RegisterExtension(req *types.RegisterExtension) soap.HasFault {
	body := &methods.RegisterExtensionBody{}
	if req.Extension.Key == "" {
		body.Fault_ = simulator.Fault("extension key is empty", &types.InvalidArgument{InvalidProperty: "extension.key"})
		return body
	}
	if m.find(req.Extension.Key) >= 0 {
		body.Fault_ = simulator.Fault(fmt.Sprintf("extension %q is already registered", req.Extension.Key),
			&types.InvalidArgument{InvalidProperty: "extension.key"})
		return body
	}
	list := append(append([]types.Extension(nil), m.ExtensionList...), req.Extension)
	m.setList(list)
	body.Res = &types.RegisterExtensionResponse{}
	return body
}

// FindExtension returns the extension, or nothing at all when absent.
func (m *ExtensionManager) FindExtension(req *types.FindExtension) soap.HasFault {
	body := &methods.FindExtensionBody{Res: &types.FindExtensionResponse{}}
	if i := m.find(req.ExtensionKey); i >= 0 {
		ext := m.ExtensionList[i]
		body.Res.Returnval = &ext
	}
	return body
}

// UpdateExtension replaces a registered extension.
func (m *ExtensionManager) UpdateExtension(req *types.UpdateExtension) soap.HasFault {
	body := &methods.UpdateExtensionBody{}
	i := m.find(req.Extension.Key)
	if i < 0 {
		body.Fault_ = notFound(req.Extension.Key)
		return body
	}
	list := append([]types.Extension(nil), m.ExtensionList...)
	list[i] = req.Extension
	m.setList(list)
	body.Res = &types.UpdateExtensionResponse{}
	return body
}

// UnregisterExtension removes an extension and forgets its certificate.
func (m *ExtensionManager) UnregisterExtension(req *types.UnregisterExtension) soap.HasFault {
	body := &methods.UnregisterExtensionBody{}
	i := m.find(req.ExtensionKey)
	if i < 0 {
		body.Fault_ = notFound(req.ExtensionKey)
		return body
	}
	list := append(append([]types.Extension(nil), m.ExtensionList[:i]...), m.ExtensionList[i+1:]...)
	m.setList(list)
	delete(m.certificates, req.ExtensionKey)
	body.Res = &types.UnregisterExtensionResponse{}
	return body
}

// SetExtensionCertificate records the certificate; the simulator's
// LoginExtensionByCertificate does not check it.
func (m *ExtensionManager) SetExtensionCertificate(req *types.SetExtensionCertificate) soap.HasFault {
	body := &methods.SetExtensionCertificateBody{}
	if m.find(req.ExtensionKey) < 0 {
		body.Fault_ = notFound(req.ExtensionKey)
		return body
	}
	m.certificates[req.ExtensionKey] = req.CertificatePem
	body.Res = &types.SetExtensionCertificateResponse{}
	return body
}

// QueryManagedBy lists the VMs whose config.managedBy names the extension.
func (m *ExtensionManager) QueryManagedBy(req *types.QueryManagedBy) soap.HasFault {
	body := &methods.QueryManagedByBody{Res: &types.QueryManagedByResponse{}}
	for _, e := range simulator.Map.All("VirtualMachine") {
		vm := e.(*simulator.VirtualMachine)
		var managed *types.ManagedByInfo
		simulator.Map.WithLock(vm, func() {
			if vm.Config != nil {
				managed = vm.Config.ManagedBy
			}
		})
		if managed != nil && managed.ExtensionKey == req.ExtensionKey {
			body.Res.Returnval = append(body.Res.Returnval, vm.Self)
		}
	}
	return body
}
