"""What a VCH specification may leave out on an ESXi host, filled in as vic-machine 1.5.8 does.

1.5.8 takes the only compute resource when none is given (a host has one: itself), and names the bridge network
after the VCH when none is given (``create`` sets ``BridgeNetworkName`` to the display name); on a host a bridge
network that does not exist is then made (:mod:`vic_machine.esxi.bridge`).
"""

from __future__ import annotations

import copy

from vic_machine.inventory import Inventory
from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ManagedObject


def _given(ref: ManagedObject | None) -> bool:
    return ref is not None and bool(ref.id or ref.name)


def with_host_defaults(spec: VchSpec, inventory: Inventory) -> VchSpec:
    """``spec`` with the host's compute resource and the bridge network's name filled in when left out; the
    spec itself unchanged. On a vCenter's inventory, ``spec`` as it is."""
    if not inventory.esxi:
        return spec
    filled = copy.deepcopy(spec)
    if not _given(filled.compute.resource) and len(inventory.compute) == 1:
        filled.compute.resource = ManagedObject(name=inventory.compute[0].path)
    if not _given(filled.network.bridge.port_group):
        filled.network.bridge.port_group = ManagedObject(name=filled.name)
    return filled


def bridge_to_create(spec: VchSpec, inventory: Inventory) -> str:
    """The name of the bridge network create makes on an ESXi host ("" when it exists, or on vCenter)."""
    ref = spec.network.bridge.port_group
    if not inventory.esxi or not _given(ref):
        return ""
    return "" if inventory.networks_named(ref.id or ref.name) else (ref.name or ref.id)
