"""The simulator in ESX mode: an ESXi host that no vCenter manages, as hostd answers over SOAP."""

from __future__ import annotations

import pytest
from pyVim.connect import Disconnect
from pyVmomi import vim, vmodl

from sim.runner import Simulator


@pytest.fixture(scope="module")
def esx_si():
    simulator = Simulator.start(esx=True, vm=1)
    si = simulator.connect()
    yield si
    Disconnect(si)
    simulator.stop()


def test_hostd_service_content(esx_si):
    content = esx_si.RetrieveContent()
    assert content.about.apiType == "HostAgent"
    assert content.propertyCollector._moId == "ha-property-collector"
    # What only vCenter has is absent, as on a real host.
    assert content.extensionManager is None
    assert content.customFieldsManager is None


def test_one_datacenter_one_host(esx_si):
    content = esx_si.RetrieveContent()
    [dc] = content.rootFolder.childEntity
    assert dc.name == "ha-datacenter"
    [compute] = dc.hostFolder.childEntity
    assert type(compute) is vim.ComputeResource and len(compute.host) == 1
    host = compute.host[0]
    assert compute.resourcePool._moId == "ha-root-pool"
    assert [d.name for d in host.datastore] == ["LocalDS_0"]
    assert [v.name for v in dc.vmFolder.childEntity] == [f"{host.name}_VM0"]
    # hostd's VM folder holds VMs only: no folder can be made in it.
    with pytest.raises(vmodl.fault.NotSupported):
        dc.vmFolder.CreateFolder(name="nope")


def test_no_extension_tasks(esx_si):
    content = esx_si.RetrieveContent()
    with pytest.raises(Exception):
        content.taskManager.CreateTask(obj=content.rootFolder, taskTypeId="com.example.task",
                                       initiatedBy="test", cancelable=False)


def test_port_group_listed_by_host_until_removed(esx_si):
    content = esx_si.RetrieveContent()
    host = content.rootFolder.childEntity[0].hostFolder.childEntity[0].host[0]
    system = host.configManager.networkSystem
    system.AddVirtualSwitch(vswitchName="sw-test", spec=vim.host.VirtualSwitch.Specification(numPorts=1024))
    system.AddPortGroup(portgrp=vim.host.PortGroup.Specification(name="sw-test", vlanId=1, vswitchName="sw-test",
                                                                 policy=vim.host.NetworkPolicy()))
    names = {n.name for n in host.network}
    assert names == {"VM Network", "sw-test"}
    [net] = [n for n in host.network if n.name == "sw-test"]
    assert host in net.host
    system.RemovePortGroup(pgName="sw-test")
    system.RemoveVirtualSwitch(vswitchName="sw-test")
    assert {n.name for n in host.network} == {"VM Network"}
    assert "sw-test" not in {s.name for s in system.networkInfo.vswitch}
