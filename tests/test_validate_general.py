"""General findings (target version, name in use, input), one wizard step at a time, and round trips."""

from __future__ import annotations

import pytest
from pyVmomi import vim

from tests.test_validate_support import base_spec, clean_vc, codes, find, wait
from vic_machine.inventory import Capacity, ComputeNode, Datastore, Host, Inventory, Network
from vic_machine.spec import check
from vic_machine.spec.network_model import ManagedObject
from vic_machine.validate import ERROR, validate

ALLOCATION = vim.ResourceAllocationInfo(reservation=0, limit=-1, expandableReservation=True,
                                        shares=vim.SharesInfo(level="normal", shares=0))
POOL_SPEC = vim.ResourceConfigSpec(cpuAllocation=ALLOCATION, memoryAllocation=ALLOCATION)


@pytest.fixture(scope="module")
def vc():
    # One simulator for the module: tests create objects of their own names only.
    with clean_vc() as vc:
        yield vc


def _hand_built(version: str) -> Inventory:
    """A one-host cluster on which the base spec is valid, with vCenter at ``version``."""
    host = Host(id="host-1", name="esx-1", compute="domain-c1", firewall_rulesets={"vic-engine": True},
                license_features=("dvs", "serialuri:2"), datastores=("datastore-1",),
                networks=("dvportgroup-1", "network-1"))
    cluster = ComputeNode(id="domain-c1", kind="cluster", name="DC0_C0", path="/DC0/host/DC0_C0",
                          pool="resgroup-1", capacity=Capacity(4000, 4000, 4096, 4096), drs_enabled=True,
                          hosts=("host-1",))
    return Inventory(
        datacenter="DC0", datacenter_id="datacenter-1", datacenters=("DC0",), vcenter_version=version,
        vcenter_api_type="VirtualCenter", compute=(cluster,), hosts=(host,),
        datastores=(Datastore("datastore-1", "LocalDS_0", "VMFS", 2**40, 2**39, True, ("host-1",)),),
        networks=(Network("dvportgroup-1", "DC0_DVPG0", "distributed", "dvs-1", "DVS0", ("host-1",)),
                  Network("network-1", "VM Network", "standard", hosts=("host-1",))))


def test_base_spec_passes_the_input_checks():
    assert check(base_spec("vch-base")) == []


@pytest.mark.parametrize("version", ["5.5.0", "6.0.0"])
def test_vcenter_older_than_6_5_is_refused(version):
    found = validate(base_spec("vch-old"), _hand_built(version), probes=False)
    assert [(f.level, f.code, f.step) for f in found] == [(ERROR, "target.version_unsupported", "general")]
    assert version in found[0].message


@pytest.mark.parametrize("version", ["6.5.0", "6.7.0", "7.0.3", ""])
def test_vcenter_6_5_and_newer_are_accepted(version):
    assert validate(base_spec("vch-new"), _hand_built(version), probes=False) == []


def test_invalid_input_is_a_finding_on_its_field(vc):
    spec = base_spec("bad/name")
    found = vc.validate(spec)
    assert [(f.code, f.path, f.step) for f in found] == [("input.invalid", "name", "general")]
    spec.name = "good-name"
    assert vc.validate(spec) == []


def _make_vm(si, name: str) -> None:
    dc = find(si, vim.Datacenter, "DC0")
    pool = find(si, vim.ClusterComputeResource, "DC0_C0").resourcePool
    config = vim.vm.ConfigSpec(name=name, guestId="otherGuest64", files=vim.vm.FileInfo(vmPathName="[LocalDS_0]"))
    wait(dc.vmFolder.CreateVM_Task(config=config, pool=pool))


def _make_pool(si, name: str) -> None:
    find(si, vim.ClusterComputeResource, "DC0_C0").resourcePool.CreateResourcePool(name, POOL_SPEC)


def _make_vapp(si, name: str) -> None:
    dc = find(si, vim.Datacenter, "DC0")
    pool = find(si, vim.ClusterComputeResource, "DC0_C0").resourcePool
    pool.CreateVApp(name, POOL_SPEC, vim.vApp.VAppConfigSpec(), dc.vmFolder)


def _make_folder(si, name: str) -> None:
    find(si, vim.Datacenter, "DC0").vmFolder.CreateFolder(name)


@pytest.mark.parametrize("make, kind", [(_make_vm, "virtual machine"), (_make_pool, "resource pool"),
                                        (_make_vapp, "vApp"), (_make_folder, "VM folder")])
def test_name_already_used(vc, make, kind):
    name = f"taken-{make.__name__.rpartition('_')[2]}"
    spec = base_spec(name)
    assert vc.validate(spec) == []
    make(vc.si, name)
    found = vc.validate(spec)
    assert [(f.level, f.code, f.path) for f in found] == [(ERROR, "general.name_in_use", "name")]
    assert f"a {kind} named {name!r}" in found[0].message


def _broken_everywhere(name: str):
    spec = base_spec(name)
    spec.debug = 9  # input error of the general step
    spec.compute.resource = ManagedObject(name="no-such-cluster")
    spec.storage.image_stores = ["NoSuchDS"]
    spec.network.bridge.port_group = ManagedObject(name="no-such-pg")
    return spec


def test_one_wizard_step_gives_only_its_findings(vc):
    spec = _broken_everywhere("vch-steps")
    inventory = vc.inventory()
    everything = validate(spec, inventory, probes=False)
    assert {f.step for f in everything} == {"general", "compute", "storage", "networks"}
    networks = validate(spec, inventory, step="networks", probes=False)
    assert codes(networks) == {"network.bridge.not_found"} and {f.step for f in networks} == {"networks"}
    storage = validate(spec, inventory, step="storage", probes=False)
    assert codes(storage) == {"storage.datastore_not_found"}
    general = validate(spec, inventory, step="general", probes=False)
    assert [(f.code, f.path) for f in general] == [("input.invalid", "debug")]


def _round_trips(vc) -> tuple[int, int]:
    """(snapshot + validation, validation alone) round trips for the base spec."""
    spec = base_spec("vch-rt")
    start = vc.session.round_trips
    inventory = vc.inventory()
    after_snapshot = vc.session.round_trips
    assert validate(spec, inventory, session=vc.session, probes=False) == []
    end = vc.session.round_trips
    return end - start, end - after_snapshot


def test_validation_round_trips_do_not_grow_with_the_inventory():
    with clean_vc() as small:
        small_trips = _round_trips(small)
    with clean_vc(cluster=2, host=6, vm=6, pg=3, ds=2) as big:
        assert len(big.inventory().hosts) == 13
        big_trips = _round_trips(big)
    assert small_trips == big_trips
    assert small_trips[1] == 0  # validation reads the snapshot only
