"""Compute findings: the resource exists and is unambiguous, DRS, VM groups, capacity, host states.

vcsim 0.24.2 has no DisconnectHost_Task, so that state is made by editing the snapshot the simulator gave
(``dataclasses.replace``). DRS is switched off in the simulator itself (our simulator applies drsConfig).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from pyVmomi import vim

from tests.test_validate_support import base_spec, clean_vc, codes, find, wait
from vic_machine.spec.network_model import ManagedObject
from vic_machine.validate import ERROR, WARNING, validate

POOL_SPEC = vim.ResourceConfigSpec(
    cpuAllocation=vim.ResourceAllocationInfo(reservation=0, limit=-1, expandableReservation=True,
                                             shares=vim.SharesInfo(level="normal", shares=0)),
    memoryAllocation=vim.ResourceAllocationInfo(reservation=0, limit=-1, expandableReservation=True,
                                                shares=vim.SharesInfo(level="normal", shares=0)),
)


@pytest.fixture(scope="module")
def vc():
    # One simulator for the module: tests use names of their own and undo what affects others.
    with clean_vc() as vc:
        yield vc


def _root_pool(si, name: str):
    return find(si, vim.ComputeResource, name).resourcePool


def test_base_spec_is_clean(vc):
    assert vc.validate(base_spec("vch-clean")) == []


def test_compute_not_found_until_the_pool_exists(vc):
    spec = base_spec("vch-nf")
    spec.compute.resource = ManagedObject(name="team-a")
    found = vc.validate(spec)
    assert codes(found) == {"compute.not_found"}
    assert "DC0_C0" in found[0].remedy and found[0].path == "compute.resource"
    _root_pool(vc.si, "DC0_C0").CreateResourcePool("team-a", POOL_SPEC)
    assert vc.validate(spec) == []


def test_no_default_compute_with_two_roots_but_one_root_is_the_default():
    spec = base_spec("vch-default")
    spec.compute.resource = None
    with clean_vc() as vc:  # a cluster and a standalone host
        found = vc.validate(spec)
        assert "compute.no_default" in codes(found)
        assert "DC0_H0" in next(f for f in found if f.code == "compute.no_default").remedy
    with clean_vc(standalone_host=0) as vc:  # the cluster alone
        assert "compute.no_default" not in codes(vc.validate(spec))


def test_same_pool_name_in_two_compute_resources_is_ambiguous_until_a_path_is_given(vc):
    _root_pool(vc.si, "DC0_C0").CreateResourcePool("shared", POOL_SPEC)
    _root_pool(vc.si, "DC0_H0").CreateResourcePool("shared", POOL_SPEC)
    spec = base_spec("vch-amb")
    spec.compute.resource = ManagedObject(name="shared")
    found = vc.validate(spec)
    assert codes(found) == {"compute.ambiguous"}
    assert "/DC0/host/DC0_C0/Resources/shared" in found[0].remedy
    spec.compute.resource = ManagedObject(name="DC0_C0/Resources/shared")
    assert vc.validate(spec) == []


def _make_vch_vm(si, pool, name: str) -> vim.VirtualMachine:
    dc = find(si, vim.Datacenter, "DC0")
    config = vim.vm.ConfigSpec(name=name, guestId="otherGuest64", alternateGuestName="Photon - VCH 1.5.8",
                               files=vim.vm.FileInfo(vmPathName="[LocalDS_0]"), numCPUs=1, memoryMB=64)
    vm = wait(dc.vmFolder.CreateVM_Task(config=config, pool=pool))
    extra = [vim.option.OptionValue(key="guestinfo.vice./init/common/id", value=f"VirtualMachine:{vm._moId}")]
    wait(vm.ReconfigVM_Task(vim.vm.ConfigSpec(extraConfig=extra)))
    return vm


def test_a_pool_holding_a_vch_is_refused(vc):
    pool = _root_pool(vc.si, "DC0_C0").CreateResourcePool("old-vch", POOL_SPEC)
    spec = base_spec("vch-in-vch")
    spec.compute.resource = ManagedObject(name="old-vch")
    assert vc.validate(spec) == []
    _make_vch_vm(vc.si, pool, "old-vch-endpoint")
    assert codes(vc.validate(spec)) == {"compute.holds_vch"}


def _set_drs(vc, enabled: bool) -> None:
    cluster = find(vc.si, vim.ClusterComputeResource, "DC0_C0")
    spec = vim.cluster.ConfigSpecEx(drsConfig=vim.cluster.DrsConfigInfo(enabled=enabled))
    wait(cluster.ReconfigureComputeResource_Task(spec=spec, modify=True))


def test_drs_disabled_is_a_warning_and_blocks_a_vm_group(vc):
    spec = base_spec("vch-drs")
    assert vc.validate(spec) == []
    _set_drs(vc, False)
    try:
        found = vc.validate(spec)
        assert [(f.level, f.code) for f in found] == [(WARNING, "compute.drs_disabled")]
        spec.compute.affinity.use_vm_group = True
        assert codes(vc.validate(spec)) == {"compute.drs_disabled", "compute.vm_group_no_drs"}
    finally:
        _set_drs(vc, True)
    assert vc.validate(spec) == []


def test_vm_group_needs_a_cluster(vc):
    spec = base_spec("vch-grp")
    spec.compute.affinity.use_vm_group = True
    spec.compute.resource = ManagedObject(name="DC0_H0")
    found = vc.validate(spec)
    assert codes(found) == {"compute.vm_group_no_cluster"}
    assert found[0].path == "compute.affinity.use_vm_group"
    spec.compute.resource = ManagedObject(name="DC0_C0")
    assert vc.validate(spec) == []


def test_existing_vm_group_with_the_vch_name(vc):
    spec = base_spec("vch-group")
    spec.compute.affinity.use_vm_group = True
    assert vc.validate(spec) == []
    cluster = find(vc.si, vim.ClusterComputeResource, "DC0_C0")
    group = vim.cluster.GroupSpec(operation="add", info=vim.cluster.VmGroup(name="vch-group", vm=[]))
    wait(cluster.ReconfigureComputeResource_Task(vim.cluster.ConfigSpecEx(groupSpec=[group]), modify=True))
    assert codes(vc.validate(spec)) == {"compute.vm_group_exists"}
    spec.compute.affinity.use_vm_group = False  # no group wanted: the existing one does not matter
    assert vc.validate(spec) == []


@pytest.mark.parametrize("res", ["cpu", "memory"])
def test_reservation_above_unreserved_and_limit_above_capacity(vc, res):
    node = next(n for n in vc.inventory().compute if n.name == "DC0_C0")
    unreserved = getattr(node.capacity, f"{res}_unreserved_mib" if res == "memory" else "cpu_unreserved_mhz")
    maximum = getattr(node.capacity, f"{res}_max_mib" if res == "memory" else "cpu_max_mhz")
    assert unreserved > 0 and maximum > 0
    spec = base_spec(f"vch-{res}")
    settings = getattr(spec.compute, res)
    settings.reservation, settings.limit = unreserved + 1, maximum + 1
    found = {f.code: f for f in vc.validate(spec)}
    assert set(found) == {f"compute.{res}_reservation_too_high", f"compute.{res}_limit_above_capacity"}
    assert found[f"compute.{res}_reservation_too_high"].level == ERROR
    assert found[f"compute.{res}_reservation_too_high"].path == f"compute.{res}.reservation"
    assert found[f"compute.{res}_limit_above_capacity"].level == WARNING
    settings.reservation, settings.limit = unreserved, maximum
    assert vc.validate(spec) == []


def test_hosts_in_maintenance_mode(vc):
    spec = base_spec("vch-maint")
    hosts = [find(vc.si, vim.HostSystem, f"DC0_C0_H{i}") for i in range(3)]
    try:
        wait(hosts[0].EnterMaintenanceMode_Task(timeout=0))
        found = vc.validate(spec)
        assert [(f.level, f.code) for f in found] == [(WARNING, "compute.hosts_unusable")]
        assert "DC0_C0_H0 (in maintenance mode)" in found[0].message
        for host in hosts[1:]:
            wait(host.EnterMaintenanceMode_Task(timeout=0))
        assert codes(vc.validate(spec)) == {"compute.no_usable_host"}
    finally:
        for host in hosts:
            wait(host.ExitMaintenanceMode_Task(timeout=0))
    assert vc.validate(spec) == []


def test_disconnected_host(vc):
    spec = base_spec("vch-disc")
    inventory = vc.inventory()
    cut = replace(inventory, hosts=tuple(replace(h, connection_state="disconnected") if h.name == "DC0_C0_H1"
                                         else h for h in inventory.hosts))
    found = validate(spec, cut, probes=False)
    assert codes(found) == {"compute.hosts_unusable"}
    assert "DC0_C0_H1 (disconnected)" in found[0].message
    assert validate(spec, inventory, probes=False) == []


def test_cluster_without_hosts_cannot_run_the_vch(vc):
    dc = find(vc.si, vim.Datacenter, "DC0")
    dc.hostFolder.CreateClusterEx("empty", vim.cluster.ConfigSpecEx())
    spec = base_spec("vch-empty")
    spec.compute.resource = ManagedObject(name="empty")
    assert codes(vc.validate(spec)) == {"compute.no_usable_host"}
    spec.compute.resource = ManagedObject(name="DC0_C0")
    assert vc.validate(spec) == []
