"""A stand-in backend for the TUI's snapshot tests: fixed data, no vCenter, so screens render the same every run.

Behaviour tests drive the real backend against the simulator; only the pixels are checked against this.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from vic_machine.errors import Cancelled, OperationFailed
from vic_machine.operations.containers import ContainerSummary
from vic_machine.operations.debug import DebugResult
from vic_machine.operations.firewall import HostFirewallResult
from vic_machine.operations.configure import ConfigureResult
from vic_machine.operations.configure_change import merge
from vic_machine.operations.upgrade import UpgradeResult
from vic_machine.spec.model import VchSpec, VolumeStore
from vic_machine.spec.network_model import ManagedObject
from vic_machine.inventory import Capacity, ComputeNode, Datastore, Host, Inventory, Network
from vic_machine.operations.plan import ProgressEvent
from vic_machine.target import Target
from vic_machine.validate import validate

from tui.app import VicTui
from tui.backend import VchRow
from tui.screens.vch_list import VchListScreen

GIB = 1024**3
HOSTS = ("host-21", "host-28", "host-35")


def _pool(moid: str, name: str, cap: Capacity, holds_vch: bool = False) -> ComputeNode:
    return ComputeNode(id=moid, kind="pool", name=name, path=f"/DC0/host/DC0_C0/Resources/{name}", pool=moid,
                       capacity=cap, hosts=HOSTS, holds_vch=holds_vch)


def inventory(firewall_open: bool = True) -> Inventory:
    """DC0: cluster DC0_C0 (3 hosts; pools team-10, team-2 and vch-prod's own), standalone host DC0_H0."""
    cap = Capacity(cpu_max_mhz=6882, cpu_unreserved_mhz=6882, memory_max_mib=12288, memory_unreserved_mib=12288)
    cluster = ComputeNode(
        id="domain-c16", kind="cluster", name="DC0_C0", path="/DC0/host/DC0_C0", pool="resgroup-15",
        capacity=cap, drs_enabled=True, hosts=HOSTS,
        children=(_pool("resgroup-50", "team-10", cap), _pool("resgroup-51", "team-2", cap),
                  _pool("resgroup-52", "vch-prod", cap, holds_vch=True)))
    standalone = ComputeNode(id="host-14", kind="host", name="DC0_H0", path="/DC0/host/DC0_H0", pool="resgroup-13",
                             capacity=Capacity(2294, 2294, 4096, 4096), hosts=("host-14",))
    hosts = tuple(Host(id=h, name=f"DC0_C0_H{i}", compute="domain-c16", datastores=("datastore-61",),
                       networks=("network-7", "dvportgroup-11"),
                       firewall_rulesets={"vic-engine": firewall_open, "vSPC": False},
                       license_features=("serialuri", "dvs"), version="7.0.0")
                  for i, h in enumerate(HOSTS))
    hosts += (Host(id="host-14", name="DC0_H0", compute="domain-c12", datastores=("datastore-61",),
                   networks=("network-7",), firewall_rulesets={"vic-engine": firewall_open, "vSPC": False},
                   license_features=("serialuri", "dvs"), version="7.0.0"),)
    return Inventory(
        datacenter="DC0", datacenter_id="datacenter-2", datacenters=("DC0",), vcenter_version="7.0.0",
        vcenter_api_type="VirtualCenter", compute=(cluster, standalone), hosts=hosts,
        names_in_use={"vch-prod": "VM folder", "vch-test": "virtual machine"},
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
    isos: tuple[Path, Path] = (Path("/opt/vic/appliance.iso"), Path("/opt/vic/bootstrap.iso"))
    firewall_open: bool = True
    create_error: Exception | None = None  # raised by create at once when set

    def snapshot(self) -> Inventory:
        return inventory(self.firewall_open)

    def iso_paths(self) -> tuple[Path, Path]:
        return self.isos

    def check_isos(self, appliance: str, bootstrap: str):
        """The stub's own ISOs (/opt/vic) pass; any other path is read for real."""
        from tui.isos import iso_findings

        self.isos = (Path(appliance), Path(bootstrap))
        return [] if all(str(p).startswith("/opt/vic/") for p in self.isos) else iso_findings(*self.isos)

    def fix_firewall(self, inv, compute: str):
        self.firewall_open = True
        return [HostFirewallResult(f"DC0_C0_H{i}", True, "ruleset vic-engine enabled", "vic-engine")
                for i in range(len(HOSTS))]

    def enable_ssh(self, row: VchRow, enable_ssh: bool, authorized_key, root_password) -> DebugResult:
        return DebugResult(row.id, row.name, enable_ssh, bool(authorized_key), bool(root_password), "stub")

    def containers(self, row: VchRow) -> list[ContainerSummary]:
        return [ContainerSummary(f"c{i}", f"web-{i}", "Running", "nginx:1.25", "80:8080", row.id, row.name,
                                 f"vm-2{i}", 12 * i, 64 * i, 200 * 1024**2) for i in (1, 2, 10)]

    def docker_env(self, row: VchRow) -> list[str]:
        return [f"export DOCKER_HOST=tcp://{row.docker_endpoint}"] if row.docker_endpoint != "—" else []

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
        if self.create_error is not None:
            raise self.create_error
        for kind, step, index, total, message in EVENTS:
            sink(ProgressEvent(kind, step, index, total, message))
        self.reached.set()
        # Long enough for a loaded machine to take the picture first; short enough not to hold up the test's end.
        cancel_event.wait(5)
        undone = ["VM folder vch1", "resource pool vch1"]
        for item in undone:
            sink(ProgressEvent("undo", item, 2, 3, f"Removed {item}"))
        raise OperationFailed("Create VM folder", Cancelled(), undone=undone)

    def current_spec(self, row: VchRow) -> tuple[VchSpec, Inventory]:
        """A VCH as configure_spec.current_spec rebuilds it: created with a CPU limit, DNS and a volume store."""
        spec = VchSpec(name=row.name)
        spec.compute.resource = ManagedObject(name=row.compute)
        spec.compute.cpu.limit = 2000
        spec.storage.image_stores = ["LocalDS_0"]
        spec.storage.volume_stores = [VolumeStore(datastore="ds://LocalDS_0/volumes", label="default")]
        spec.network.bridge.port_group = ManagedObject(id="dvportgroup-11", name="DC0_DVPG0")
        spec.network.public.nameservers = ["192.0.2.53"]
        return spec, inventory()

    def preview(self, row: VchRow, spec: VchSpec) -> ConfigureResult:
        change = merge(self.current_spec(row)[0], spec, partial=False)
        return ConfigureResult(row.id, row.name, change.paths, change.needs_restart)

    def configure(self, row: VchRow, spec: VchSpec, sink, cancel_event: threading.Event) -> ConfigureResult:
        planned = self.preview(row, spec)
        steps = ["Lock the VCH", "Take a snapshot", "Power off", "Rewrite the configuration", "Power on",
                 "Wait for the VCH", "Commit"]
        sink(ProgressEvent("start", f"Configure VCH {row.name}", 0, len(steps), ""))
        for index, step in enumerate(steps, 1):
            sink(ProgressEvent("step", step, index, len(steps), step))
            sink(ProgressEvent("done", step, index, len(steps), f"{step}: done"))
        planned.applied = True
        return planned

    def previous_version(self, row: VchRow) -> str | None:
        """vch-prod was upgraded from v1.5.7 (it can be rolled back); vch-test never was."""
        return "v1.5.7-0-sim" if row.name == "vch-prod" else None

    def upgrade(self, row: VchRow, sink, cancel_event: threading.Event, rollback: bool = False) -> UpgradeResult:
        """Three steps, then the fourth fails: the upgrade is undone, newest first."""
        steps = ["Mark the VCH as being upgraded", "Upload ISOs", "Take the upgrade snapshot", "Power off"]
        sink(ProgressEvent("start", f"Upgrade VCH {row.name}", 0, 8, ""))
        for index, step in enumerate(steps, 1):
            sink(ProgressEvent("step", step, index, 8, step))
            if index < len(steps):
                sink(ProgressEvent("done", step, index, 8, f"{step}: done"))
        undone = ["reverted to snapshot 'upgrade for 0'", "removed the uploaded ISOs", "cleared the upgrade mark"]
        for item in undone:
            sink(ProgressEvent("undo", item, 4, 8, item))
        raise OperationFailed("Power off", RuntimeError("the host refused to power off the VM"), undone=undone)

    def logout(self) -> None:
        pass



class StubApp(VicTui):
    """The app already connected to a stub backend, optionally opening a screen on top of the list."""

    def __init__(self, open_screen=None, stub: StubBackend | None = None, light: bool = False) -> None:
        super().__init__(None, light=light)
        self.stub = stub or StubBackend()
        self.open_screen = open_screen

    def on_mount(self, event) -> None:
        event.prevent_default()  # not the connect screen of VicTui.on_mount
        self.backend = self.stub
        self.sub_title = f"{self.stub.target.display} as {self.stub.target.user}"
        self.push_screen(VchListScreen(self.stub))
        if self.open_screen is not None:
            self.push_screen(self.open_screen(self.stub))
