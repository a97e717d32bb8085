package main

// The inventory: sizes from the flags, and our additions installed on top of
// the simulator's VPX model once it exists.

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/simulator/esx"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

type modelSize struct {
	datacenters     int
	clusters        int
	clusterHosts    int
	standaloneHosts int
	vmsPerHost      int
	portgroups      int
	datastores      int
	// hosts per compute resource without the vic-engine ruleset (vSphere 6.5)
	noVicEngine int
	// hostd's model instead of vCenter's (esx.go)
	esx bool
}

func (m modelSize) validate() error {
	for name, n := range map[string]int{
		"-dc": m.datacenters, "-cluster": m.clusters, "-host": m.clusterHosts,
		"-standalone-host": m.standaloneHosts, "-vm": m.vmsPerHost, "-pg": m.portgroups, "-ds": m.datastores,
		"-no-vic-engine": m.noVicEngine,
	} {
		if n < 0 {
			return fmt.Errorf("%s must not be negative", name)
		}
	}
	if m.vmsPerHost > 0 && m.datastores == 0 {
		return errors.New("-vm needs at least one datastore (-ds)")
	}
	return nil
}

// build returns the model the flags ask for: vCenter's, or hostd's (-esx).
func (m modelSize) build() *simulator.Model {
	if m.esx {
		return esxModel(m.datastores)
	}
	return m.vpx()
}

// vpx returns the simulator's vCenter model without VMs: the simulator
// places its VMs per resource pool, we want them per host (createVMs).
func (m modelSize) vpx() *simulator.Model {
	model := simulator.VPX()
	model.Datacenter = m.datacenters
	model.Cluster = m.clusters
	model.ClusterHost = m.clusterHosts
	model.Host = m.standaloneHosts
	model.Portgroup = m.portgroups
	model.Datastore = m.datastores
	model.Machine = 0
	return model
}

// installExtensions puts our managed objects and fixes into the freshly
// created model, before the server accepts any request.
func installExtensions(model *simulator.Model, size modelSize) error {
	// A lone host has no extension manager and no extension tasks.
	if !size.esx {
		installExtensionManager()
		installTaskManager()
	}
	installFirewallRulesets(size.noVicEngine)
	fixDatastoreHosts()
	markUplinkPortgroups()

	client, err := vim25.NewClient(context.Background(), model.Service)
	if err != nil {
		return fmt.Errorf("in-process client: %w", err)
	}
	return createVMs(client, size.vmsPerHost)
}

// createVMs gives every host, clustered or standalone, n powered-on VMs
// named <host>_VM<i>, with one NIC on the datacenter's first port group
// (or the standard "VM Network" when there are no port groups).
func createVMs(c *vim25.Client, n int) error {
	if n == 0 {
		return nil
	}
	ctx := context.Background()
	for _, e := range simulator.Map.All("HostSystem") {
		host := e.(*simulator.HostSystem)
		dc := datacenterOf(&host.ManagedEntity)
		parent := simulator.Map.Get(*host.Parent)
		var poolRef types.ManagedObjectReference
		switch p := parent.(type) {
		case *simulator.ClusterComputeResource:
			poolRef = *p.ResourcePool
		case *mo.ComputeResource:
			poolRef = *p.ResourcePool
		default:
			return fmt.Errorf("host %s: unexpected parent %T", host.Name, parent)
		}
		backing, err := nicBacking(ctx, c, dc)
		if err != nil {
			return err
		}
		folder := object.NewFolder(c, dc.VmFolder)
		pool := object.NewResourcePool(c, poolRef)
		hostObj := object.NewHostSystem(c, host.Self)
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("%s_VM%d", host.Name, i)
			if err := createVM(ctx, c, folder, pool, hostObj, name, backing); err != nil {
				return fmt.Errorf("creating %s: %w", name, err)
			}
		}
	}
	return nil
}

func createVM(ctx context.Context, c *vim25.Client, folder *object.Folder, pool *object.ResourcePool,
	host *object.HostSystem, name string, backing types.BaseVirtualDeviceBackingInfo) error {
	spec := types.VirtualMachineConfigSpec{
		Name:    name,
		GuestId: string(types.VirtualMachineGuestOsIdentifierOtherGuest),
		Files:   &types.VirtualMachineFileInfo{VmPathName: "[LocalDS_0]"},
	}
	var devices object.VirtualDeviceList
	scsi, _ := devices.CreateSCSIController("pvscsi")
	ide, _ := devices.CreateIDEController()
	cdrom, _ := devices.CreateCdrom(ide.(*types.VirtualIDEController))
	disk := devices.CreateDisk(scsi.(types.BaseVirtualController), types.ManagedObjectReference{},
		"[LocalDS_0] "+path.Join(name, "disk1.vmdk"))
	disk.CapacityInKB = 1024
	nic := esx.EthernetCard
	nic.Backing = backing
	devices = append(devices, scsi, cdrom, disk, &nic)
	spec.DeviceChange, _ = devices.ConfigSpec(types.VirtualDeviceConfigSpecOperationAdd)

	task, err := folder.CreateVM(ctx, spec, pool, host)
	if err != nil {
		return err
	}
	info, err := task.WaitForResult(ctx, nil)
	if err != nil {
		return err
	}
	vm := object.NewVirtualMachine(c, info.Result.(types.ManagedObjectReference))
	power, err := vm.PowerOn(ctx)
	if err != nil {
		return err
	}
	return power.Wait(ctx)
}

// nicBacking is the datacenter's first DV port group, else "VM Network".
func nicBacking(ctx context.Context, c *vim25.Client, dc *simulator.Datacenter) (types.BaseVirtualDeviceBackingInfo, error) {
	for _, e := range simulator.Map.All("DistributedVirtualPortgroup") {
		pg := e.(*simulator.DistributedVirtualPortgroup)
		if pg.Name == dc.Name+"_DVPG0" {
			return object.NewDistributedVirtualPortgroup(c, pg.Self).EthernetCardBackingInfo(ctx)
		}
	}
	return esx.EthernetCard.Backing, nil
}

// datacenterOf walks up the parents of an entity to its datacenter.
func datacenterOf(e *mo.ManagedEntity) *simulator.Datacenter {
	for e.Parent != nil {
		parent := simulator.Map.Get(*e.Parent)
		if dc, ok := parent.(*simulator.Datacenter); ok {
			return dc
		}
		entity, ok := parent.(mo.Entity)
		if !ok {
			return nil
		}
		e = entity.Entity()
	}
	return nil
}
