"""Helpers for the tests on an ESXi host that no vCenter manages: the simulator in ESX mode, ready for VCHs."""

from __future__ import annotations

import pytest
from pyVmomi import vim

from sim.runner import Simulator
from tests.vch_support import make_world, picture
from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ManagedObject
from vic_machine.vsphere.collector import retrieve

# The port group the ESX simulator's host has besides "VM Network", for a given bridge network.
GIVEN_BRIDGE = "given-bridge"


def host_networking(session) -> tuple[set[str], set[str]]:
    """The host's port groups and standard switches, as its network system lists them."""
    hosts = retrieve(session.content, session.content.rootFolder, {vim.HostSystem: ["configManager.networkSystem"]})
    [props] = hosts.values()
    info = props["configManager.networkSystem"].networkInfo
    return {pg.spec.name for pg in info.portgroup or []}, {sw.name for sw in info.vswitch or []}


def esxi_picture(session) -> tuple:
    """Inventory, datastore and the host's networking: equal before and after means nothing was left behind."""
    return (*picture(session), host_networking(session))


def add_port_group(session, name: str) -> None:
    """A standard switch and port group ``name`` on the host, made outside of any VCH."""
    hosts = retrieve(session.content, session.content.rootFolder, {vim.HostSystem: ["configManager.networkSystem"]})
    [props] = hosts.values()
    system = props["configManager.networkSystem"]
    system.AddVirtualSwitch(vswitchName=name, spec=vim.host.VirtualSwitch.Specification(numPorts=64))
    system.AddPortGroup(portgrp=vim.host.PortGroup.Specification(name=name, vlanId=0, vswitchName=name,
                                                                 policy=vim.host.NetworkPolicy()))


def esxi_spec(name: str, mode: str = "tlsverify", bridge: str | None = None) -> VchSpec:
    """What an ESXi user gives: a name and an image datastore; no compute resource, the bridge only if asked."""
    spec = VchSpec(name=name)
    spec.storage.image_stores = ["LocalDS_0"]
    if bridge:
        spec.network.bridge.port_group = ManagedObject(name=bridge)
    spec.auth.no_tls = mode == "no-tls"
    spec.auth.client.no_tls_verify = mode == "no-tlsverify"
    return spec


@pytest.fixture(scope="module")
def esxi_world(tmp_path_factory):
    """An ESXi host that no vCenter manages (the simulator in ESX mode) ready for VCHs, per module: vic-engine
    open, the simulator ISOs, the appliance stand-in, and a port group ``given-bridge`` to give as bridge.
    Import it into a test module to use it."""
    simulator = Simulator.start(esx=True, vm=1)
    try:
        world = make_world(simulator, tmp_path_factory.mktemp("isos"))
        add_port_group(world.session, GIVEN_BRIDGE)
        yield world
        world.close()
    finally:
        simulator.stop()
