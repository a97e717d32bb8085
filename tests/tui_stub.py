"""A stand-in backend for the TUI's snapshot tests: fixed data, no vCenter, so screens render the same every run.

Behaviour tests drive the real backend against the simulator; only the pixels are checked against this.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from vic_machine.errors import Cancelled, OperationFailed
from vic_machine.inventory import Capacity, ComputeNode, Datastore, Host, Inventory, Network
from vic_machine.operations.plan import ProgressEvent
from vic_machine.target import Target
from vic_machine.validate import validate

from tui.backend import VchRow

GIB = 1024**3
HOSTS = ("host-21", "host-28", "host-35")


def inventory() -> Inventory:
    cap = Capacity(cpu_max_mhz=6882, cpu_unreserved_mhz=6882, memory_max_mib=12288, memory_unreserved_mib=12288)
    cluster = ComputeNode(
        id="domain-c16", kind="cluster", name="DC0_C0", path="/DC0/host/DC0_C0", pool="resgroup-15",
        capacity=cap, drs_enabled=True, hosts=HOSTS,
        children=(ComputeNode(id="resgroup-50", kind="pool", name="team-a", path="/DC0/host/DC0_C0/Resources/team-a",
                              pool="resgroup-50", capacity=cap, hosts=HOSTS),))
    standalone = ComputeNode(id="host-14", kind="host", name="DC0_H0", path="/DC0/host/DC0_H0", pool="resgroup-13",
                             capacity=Capacity(2294, 2294, 4096, 4096), hosts=("host-14",))
    hosts = tuple(Host(id=h, name=f"DC0_C0_H{i}", compute="domain-c16", datastores=("datastore-61",),
                       networks=("network-7", "dvportgroup-11"), firewall_rulesets={"vSPC": True},
                       license_features=("serial_uri", "dvs"), version="7.0.0")
                  for i, h in enumerate(HOSTS))
    hosts += (Host(id="host-14", name="DC0_H0", compute="domain-c12", datastores=("datastore-61",),
                   networks=("network-7",), firewall_rulesets={"vSPC": True},
                   license_features=("serial_uri", "dvs"), version="7.0.0"),)
    return Inventory(
        datacenter="DC0", datacenter_id="datacenter-2", datacenters=("DC0",), vcenter_version="7.0.0",
        vcenter_api_type="VirtualCenter", compute=(cluster, standalone), hosts=hosts,
        datastores=(Datastore(id="datastore-61", name="LocalDS_0", type="OTHER", capacity=200 * GIB,
                              free_space=120 * GIB, accessible=True, hosts=HOSTS + ("host-14",)),),
        networks=(Network(id="network-7", name="VM Network", kind="standard", hosts=HOSTS + ("host-14",)),
                  Network(id="dvportgroup-11", name="DC0_DVPG0", kind="distributed", switch="dvs-9",
                          switch_name="DC0_DVS", hosts=HOSTS)))


ROWS = [
    VchRow("vm-101", "vch-prod", "running", "127.1.0.101:2376", "v1.5.8-0-sim", "Up to date", "/DC0/host/DC0_C0"),
    VchRow("vm-102", "vch-test", "stopped", "—", "v1.5.6-0-old", "Upgradeable to v1.5.8", "/DC0/host/DC0_H0"),
]

EVENTS = [("start", "Create VCH vch1", 0, 3, "Create VCH vch1: 3 steps"),
          ("step", "Create resource pool", 1, 3, "Create resource pool"),
          ("step", "Create resource pool", 1, 3, "Created resource pool vch1"),
          ("done", "Create resource pool", 1, 3, "Create resource pool: done"),
          ("step", "Create VM folder", 2, 3, "Create VM folder")]


@dataclass
class StubBackend:
    """What the screens call, answered from fixed data; ``create`` stops after two steps until cancelled."""

    target: Target = Target(host="vcenter.example.com", user="administrator@vsphere.local")
    thumbprint: str = ":".join(["AB"] * 32)
    rows: list[VchRow] = field(default_factory=lambda: list(ROWS))
    reached: threading.Event = field(default_factory=threading.Event)  # set once create shows its two steps

    def snapshot(self) -> Inventory:
        return inventory()

    def validate(self, spec, inv, step):
        return validate(spec, inv, step=step, probes=False, target_display=self.target.display)

    def list_vchs(self) -> list[VchRow]:
        return list(self.rows)

    def inspect(self, row: VchRow) -> list[str]:
        return [f"{row.name}  ({row.compute})", f"VCH ID: {row.id}", "", f"VCH version: {row.version}",
                f"Power state: {row.status}"]

    def cert_dir(self, name: str) -> str:
        return f"/certs/{name}"

    def create(self, spec, sink, cancel_event: threading.Event):
        """Two steps, then wait: a cancel undoes them; otherwise the run stays in progress (bounded)."""
        for kind, step, index, total, message in EVENTS:
            sink(ProgressEvent(kind, step, index, total, message))
        self.reached.set()
        # Long enough for a loaded machine to take the picture first; short enough not to hold up the test's end.
        cancel_event.wait(5)
        undone = ["VM folder vch1", "resource pool vch1"]
        for item in undone:
            sink(ProgressEvent("undo", item, 2, 3, f"Removed {item}"))
        raise OperationFailed("Create VM folder", Cancelled(), undone=undone)

    def logout(self) -> None:
        pass
