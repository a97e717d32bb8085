"""Network findings: the bridge port group, the endpoint's networks and container networks."""

from __future__ import annotations

import pytest
from pyVmomi import vim

from tests.test_validate_support import base_spec, clean_vc, codes, find, wait
from vic_machine.spec.network_model import ContainerNetwork, Gateway, ManagedObject, Network

@pytest.fixture(scope="module")
def vc():
    # One simulator for the module: every test adds switches and port groups of its own names.
    with clean_vc() as vc:
        yield vc


def _add_portgroup(dvs, name: str) -> None:
    spec = vim.dvs.DistributedVirtualPortgroup.ConfigSpec(name=name, type="earlyBinding", numPorts=8)
    wait(dvs.AddDVPortgroup_Task([spec]))


def _add_hosts(dvs, hosts) -> None:
    members = [vim.dvs.HostMember.ConfigSpec(operation="add", host=h) for h in hosts]
    wait(dvs.ReconfigureDvs_Task(vim.dvs.VmwareDistributedVirtualSwitch.ConfigSpec(
        configVersion=dvs.config.configVersion, host=members)))


def _partial_switch(vc, portgroup: str):
    """A new switch holding only DC0_C0_H0, with one port group; returns the switch."""
    dc = find(vc.si, vim.Datacenter, "DC0")
    create = vim.DistributedVirtualSwitch.CreateSpec(
        configSpec=vim.dvs.VmwareDistributedVirtualSwitch.ConfigSpec(name=f"DVS-{portgroup}"))
    dvs = wait(dc.networkFolder.CreateDVS_Task(create))
    _add_hosts(dvs, [find(vc.si, vim.HostSystem, "DC0_C0_H0")])
    _add_portgroup(dvs, portgroup)
    return dvs


def _hosts(vc, *names):
    return [find(vc.si, vim.HostSystem, n) for n in names]


def test_bridge_is_required(vc):
    spec = base_spec("vch-nobr")
    spec.network.bridge.port_group = None
    found = [f for f in vc.validate(spec) if f.code == "network.bridge.required"]
    assert len(found) == 1 and found[0].path == "network.bridge.port_group"
    assert "DC0_DVPG0" in found[0].remedy


def test_bridge_not_found_until_the_port_group_is_created(vc):
    spec = base_spec("vch-br")
    spec.network.bridge.port_group = ManagedObject(name="vch-br-pg")
    found = vc.validate(spec)
    assert [(f.code, f.path) for f in found] == [("network.bridge.not_found", "network.bridge.port_group")]
    assert "DC0_DVPG0" in found[0].remedy
    _add_portgroup(find(vc.si, vim.DistributedVirtualSwitch, "DVS0"), "vch-br-pg")
    assert vc.validate(spec) == []


def test_bridge_name_used_twice_is_ambiguous_until_chosen_by_id(vc):
    dvs = find(vc.si, vim.DistributedVirtualSwitch, "DVS0")
    _add_portgroup(dvs, "NSX-bridge")  # vcsim allows duplicate names only with this prefix, as NSX does
    _add_portgroup(dvs, "NSX-bridge")
    spec = base_spec("vch-amb")
    spec.network.bridge.port_group = ManagedObject(name="NSX-bridge")
    assert codes(vc.validate(spec)) == {"network.bridge.ambiguous"}
    chosen = next(n for n in vc.inventory().networks if n.name == "NSX-bridge")
    spec.network.bridge.port_group = ManagedObject(id=chosen.id)
    assert vc.validate(spec) == []


def test_bridge_on_a_standard_port_group_needs_a_standalone_host(vc):
    spec = base_spec("vch-std")
    spec.network.bridge.port_group = ManagedObject(name="VM Network")
    spec.network.public = Network(port_group=ManagedObject(name="DC0_DVPG0"))
    assert codes(vc.validate(spec)) == {"network.bridge.not_distributed"}
    spec.compute.resource = ManagedObject(name="DC0_H0")
    assert vc.validate(spec) == []


def test_bridge_missing_from_some_cluster_hosts(vc):
    dvs = _partial_switch(vc, "partial-pg")
    spec = base_spec("vch-part")
    spec.network.bridge.port_group = ManagedObject(name="partial-pg")
    found = vc.validate(spec)
    assert codes(found) == {"network.bridge.hosts_missing"}
    assert found[0].message.endswith("does not reach DC0_C0_H1, DC0_C0_H2")
    assert "DVS-partial-pg" in found[0].remedy
    _add_hosts(dvs, _hosts(vc, "DC0_C0_H1", "DC0_C0_H2"))
    assert vc.validate(spec) == []


def _id_of(vc, name: str) -> str:
    return next(n.id for n in vc.inventory().networks if n.name == name)


def test_bridge_shared_with_the_public_network_named_by_id(vc):
    # By name the input checks already refuse it; by id only vCenter's inventory shows they are one.
    spec = base_spec("vch-shared")
    spec.network.public = Network(port_group=ManagedObject(id=_id_of(vc, "DC0_DVPG0")))
    found = vc.validate(spec)
    # Client and management inherit the public network: one finding, not one per role.
    assert [(f.code, f.path) for f in found] == [("network.bridge.shared", "network.bridge.port_group")]
    assert "public" in found[0].message
    spec.network.public = Network(port_group=ManagedObject(id=_id_of(vc, "VM Network")))
    assert vc.validate(spec) == []


def test_bridge_shared_with_a_container_network(vc):
    spec = base_spec("vch-shared-cn")
    spec.network.container = [ContainerNetwork(alias="dpg", port_group=ManagedObject(id=_id_of(vc, "DC0_DVPG0")))]
    assert codes(vc.validate(spec)) == {"network.bridge.shared"}
    spec.network.container[0].port_group = ManagedObject(name="VM Network")
    assert vc.validate(spec) == []


def test_public_network_not_found_is_reported_once(vc):
    spec = base_spec("vch-pub")
    spec.network.public = Network(port_group=ManagedObject(name="Public Net"))
    found = vc.validate(spec)
    assert [(f.code, f.path) for f in found] == [("network.public.not_found", "network.public.port_group")]


def test_client_network_not_found(vc):
    spec = base_spec("vch-cli")
    spec.network.client = Network(port_group=ManagedObject(name="Client Net"))
    assert [(f.code, f.path) for f in vc.validate(spec)] == [
        ("network.client.not_found", "network.client.port_group")]
    spec.network.client = Network(port_group=ManagedObject(name="VM Network"))
    assert vc.validate(spec) == []


def test_public_network_missing_from_some_hosts(vc):
    dvs = _partial_switch(vc, "partial-pub")
    spec = base_spec("vch-pubpart")
    spec.network.public = Network(port_group=ManagedObject(name="partial-pub"))
    found = vc.validate(spec)
    assert [(f.code, f.path) for f in found] == [("network.public.hosts_missing", "network.public.port_group")]
    assert "DC0_C0_H1, DC0_C0_H2" in found[0].message
    _add_hosts(dvs, _hosts(vc, "DC0_C0_H1", "DC0_C0_H2"))
    assert vc.validate(spec) == []


def test_management_network_missing_from_some_hosts(vc):
    _partial_switch(vc, "partial-mgmt")
    spec = base_spec("vch-mgmt")
    spec.network.management = Network(port_group=ManagedObject(name="partial-mgmt"))
    assert codes(vc.validate(spec)) == {"network.management.hosts_missing"}


def test_roles_sharing_a_port_group_need_the_same_static_address(vc):
    # One role names the port group, the other its id: only the inventory shows they share one NIC.
    spec = base_spec("vch-static")
    spec.network.public = Network(port_group=ManagedObject(name="VM Network"), static="192.0.2.10/24",
                                  gateway=Gateway(address="192.0.2.1"))
    spec.network.client = Network(port_group=ManagedObject(id=_id_of(vc, "VM Network")),
                                  static="198.51.100.10/24",
                                  gateway=Gateway(address="198.51.100.1", routing_destinations=["10.0.0.0/8"]))
    found = vc.validate(spec)
    assert [(f.code, f.path) for f in found] == [("network.client.static_conflict", "network.client.static")]
    _add_portgroup(find(vc.si, vim.DistributedVirtualSwitch, "DVS0"), "client-pg")
    spec.network.client.port_group = ManagedObject(name="client-pg")
    assert vc.validate(spec) == []


def test_container_network_not_found_and_missing_hosts(vc):
    spec = base_spec("vch-cn")
    spec.network.container = [ContainerNetwork(alias="ok", port_group=ManagedObject(name="VM Network")),
                              ContainerNetwork(alias="web", port_group=ManagedObject(name="partial-cn"))]
    assert [(f.code, f.path) for f in vc.validate(spec)] == [
        ("network.container.not_found", "network.container[1].port_group")]
    dvs = _partial_switch(vc, "partial-cn")
    found = vc.validate(spec)
    assert [(f.code, f.path) for f in found] == [
        ("network.container.hosts_missing", "network.container[1].port_group")]
    _add_hosts(dvs, _hosts(vc, "DC0_C0_H1", "DC0_C0_H2"))
    assert vc.validate(spec) == []
