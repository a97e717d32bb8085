"""The bridge network vic-machine 1.5.8 makes on an ESXi host: a standard switch of the bridge's name with 1024
ports and, on it, a port group of the same name (VLAN 1, as 1.5.8 sets it); delete removes the port group, then
the switch. Through the host's network system, which only a host's own API has a switch made on."""

from __future__ import annotations

from pyVmomi import vim

from vic_machine.errors import VicError
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session

PORTS = 1024
VLAN = 1


def network_system(session: Session, host: vim.HostSystem) -> vim.host.NetworkSystem:
    return retrieve_objects(session.content, [host], ["configManager.networkSystem"])[host][
        "configManager.networkSystem"]


def create(session: Session, host: vim.HostSystem, name: str) -> vim.Network:
    """Make switch and port group ``name``; return the port group's network. A switch made before a failed
    port group is removed again, so a failure leaves nothing."""
    system = network_system(session, host)
    with vsphere_call("create the bridge network's virtual switch", name):
        system.AddVirtualSwitch(vswitchName=name, spec=vim.host.VirtualSwitch.Specification(numPorts=PORTS))
    try:
        with vsphere_call("create the bridge network's port group", name):
            system.AddPortGroup(portgrp=vim.host.PortGroup.Specification(
                name=name, vlanId=VLAN, vswitchName=name, policy=vim.host.NetworkPolicy()))
        return find_network(session, host, name)
    except VicError:
        remove(session, host, name, port_group=False)
        raise


def find_network(session: Session, host: vim.HostSystem, name: str) -> vim.Network:
    """The host's network (port group) named ``name``."""
    networks = retrieve_objects(session.content, [host], ["network"])[host].get("network") or []
    names = retrieve_objects(session.content, list(networks), ["name"]) if networks else {}
    for network, props in names.items():
        if props.get("name") == name and type(network) is vim.Network:
            return network
    raise VicError(f"The bridge network's port group {name} was made but the host does not list it",
                   remedy=f"Remove virtual switch {name} in the ESXi host client, then try again")


def remove(session: Session, host: vim.HostSystem, name: str, *, port_group: bool = True) -> list[str]:
    """Remove port group ``name`` (when ``port_group``) and switch ``name``; what is already gone is skipped.

    :return: what was removed, as messages name it.
    """
    system = network_system(session, host)
    removed = []
    steps = ([("port group", lambda: system.RemovePortGroup(pgName=name))] if port_group else []) + [
        ("virtual switch", lambda: system.RemoveVirtualSwitch(vswitchName=name))]
    for what, call in steps:
        try:
            with vsphere_call(f"remove the bridge network's {what}", name):
                call()
        except VicError as exc:
            if getattr(exc, "fault", "") == "NotFound":
                continue
            raise
        removed.append(f"{what} {name}")
    return removed


def made_for(session: Session, config, host: vim.HostSystem | None) -> tuple[vim.HostSystem, str] | None:
    """(host, name) of the bridge network create made for the VCH of ``config`` (a ``VchConfig``) on ESXi
    host ``host``, as 1.5.8 finds it: ``create_bridge_network`` set, the bridge's network read by reference.
    None when the VCH uses a bridge network it did not make, on vCenter, or when the network is gone."""
    if not config.create_bridge_network or host is None or not session.is_esxi:
        return None
    bridge = config.network.container_networks.get("bridge")
    kind, _, moid = (bridge.common.id if bridge is not None else "").partition(":")
    if kind != "Network" or not moid:
        return None
    network = vim.Network(moid, session.stub)
    try:
        name = retrieve_objects(session.content, [network], ["name"]).get(network, {}).get("name")
    except VicError as exc:
        if getattr(exc, "fault", "") == "ManagedObjectNotFound":
            return None  # removed already (an earlier delete that stopped after it)
        raise
    return (host, name) if name else None
