"""Device and VM specifications of a VCH endpoint VM (pyvmomi data objects, no calls)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from pyVmomi import vim

Add = vim.vm.device.VirtualDeviceSpec.Operation.add
GUEST_ID = "otherGuest64"


@dataclass(frozen=True)
class NicBacking:
    """What a vNIC connects to: a standard port group (``network``), or a distributed one (switch + key)."""

    network: vim.Network
    name: str
    switch_uuid: str = ""
    portgroup_key: str = ""


def _add(device: vim.vm.device.VirtualDevice) -> vim.vm.device.VirtualDeviceSpec:
    return vim.vm.device.VirtualDeviceSpec(operation=Add, device=device)


def nic(backing: NicBacking, slot: int, key: int) -> vim.vm.device.VirtualDeviceSpec:
    """A vmxnet3 NIC on ``backing`` in PCI slot ``slot`` (VIC pins slots so the guest finds each role's NIC)."""
    if backing.switch_uuid:
        port = vim.dvs.PortConnection(switchUuid=backing.switch_uuid, portgroupKey=backing.portgroup_key)
        info = vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(port=port)
    else:
        info = vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName=backing.name, network=backing.network)
    card = vim.vm.device.VirtualVmxnet3(
        key=key, backing=info, addressType="generated",
        slotInfo=vim.vm.device.VirtualDevice.PciBusSlotInfo(pciSlotNumber=slot),
        connectable=vim.vm.device.VirtualDevice.ConnectInfo(startConnected=True, allowGuestControl=True,
                                                            connected=True))
    return _add(card)


def option_values(values: Mapping[str, str]) -> list[vim.option.OptionValue]:
    return [vim.option.OptionValue(key=k, value=v) for k, v in values.items()]


def endpoint_vm_spec(
    *,
    name: str,
    datastore: str,
    cpus: int,
    memory_mb: int,
    alternate_guest_name: str,
    nics: list[tuple[NicBacking, int]],
    extra_config: Mapping[str, str],
) -> vim.vm.ConfigSpec:
    """The endpoint VM as VIC creates it: no disk, an IDE and a PVSCSI controller, one vmxnet3 per port group."""
    devices = [
        _add(vim.vm.device.VirtualIDEController(key=-1, busNumber=0)),
        _add(vim.vm.device.ParaVirtualSCSIController(key=-2, busNumber=0, sharedBus="noSharing")),
    ]
    devices += [nic(backing, slot, key=-10 - index) for index, (backing, slot) in enumerate(nics)]
    return vim.vm.ConfigSpec(
        name=name,
        guestId=GUEST_ID,
        alternateGuestName=alternate_guest_name,
        files=vim.vm.FileInfo(vmPathName=f"[{datastore}]"),
        numCPUs=cpus,
        memoryMB=memory_mb,
        deviceChange=devices,
        extraConfig=option_values(extra_config),
    )


def media_spec(ide_key: int, iso_path: str, serial_path: str,
               extra_config: Mapping[str, str]) -> vim.vm.ConfigSpec:
    """The CD-ROM holding the appliance ISO, the serial port logging to a file, and configuration fix-ups."""
    cdrom = vim.vm.device.VirtualCdrom(
        key=-100, controllerKey=ide_key, unitNumber=0,
        backing=vim.vm.device.VirtualCdrom.IsoBackingInfo(fileName=iso_path),
        connectable=vim.vm.device.VirtualDevice.ConnectInfo(startConnected=True, allowGuestControl=True,
                                                            connected=True))
    serial = vim.vm.device.VirtualSerialPort(
        key=-101, yieldOnPoll=True,
        backing=vim.vm.device.VirtualSerialPort.FileBackingInfo(fileName=serial_path),
        connectable=vim.vm.device.VirtualDevice.ConnectInfo(startConnected=True, allowGuestControl=True,
                                                            connected=True))
    return vim.vm.ConfigSpec(deviceChange=[_add(cdrom), _add(serial)], extraConfig=option_values(extra_config))


def extra_config_spec(values: Mapping[str, str]) -> vim.vm.ConfigSpec:
    return vim.vm.ConfigSpec(extraConfig=option_values(values))


def resource_allocation(limit: int | None, reservation: int | None,
                        shares: str | int | None) -> vim.ResourceAllocationInfo:
    """A pool's CPU (MHz) or memory (MB) allocation; no limit is -1, a number of shares is a custom level."""
    if isinstance(shares, int):
        share_info = vim.SharesInfo(level="custom", shares=shares)
    else:
        share_info = vim.SharesInfo(level=shares or "normal", shares=0)
    return vim.ResourceAllocationInfo(limit=-1 if limit is None else limit, reservation=reservation or 0,
                                      expandableReservation=True, shares=share_info)
