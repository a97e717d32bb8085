"""Helpers for the VCH lifecycle tests: a simulator ready for VCHs, specs, and a picture of its state."""

from __future__ import annotations

from dataclasses import dataclass

from pyVmomi import vim

from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ManagedObject
from vic_machine.vsphere.collector import retrieve
from vic_machine.vsphere.tasks import run_task


def allow_vic_engine(session) -> None:
    """Open the firewall ruleset VCHs need on every host (``vic-machine update firewall --allow``)."""
    hosts = retrieve(session.content, session.content.rootFolder, {vim.HostSystem: ["configManager.firewallSystem"]})
    for props in hosts.values():
        props["configManager.firewallSystem"].EnableRuleset(id="vic-engine")


def vch_layout(session, name: str, cpu=None, memory=None):
    """What vic-machine makes first for VCH ``name`` on cluster DC0_C0: a resource pool and a VM folder of that
    name; ``cpu``/``memory`` are the pool's allocations (unlimited, normal shares when not given).

    :return: (datacenter, cluster, VM folder, resource pool)
    """
    objs = retrieve(session.content, session.content.rootFolder,
                    {vim.Datacenter: ["name", "vmFolder"], vim.ClusterComputeResource: ["name", "resourcePool"]})
    datacenter, dc = next((o, p) for o, p in objs.items() if isinstance(o, vim.Datacenter) and p["name"] == "DC0")
    cluster, root = next((o, p["resourcePool"]) for o, p in objs.items()
                         if isinstance(o, vim.ClusterComputeResource) and p["name"] == "DC0_C0")
    unlimited = vim.ResourceAllocationInfo(limit=-1, reservation=0, expandableReservation=True,
                                           shares=vim.SharesInfo(level="normal", shares=0))
    pool = root.CreateResourcePool(name=name, spec=vim.ResourceConfigSpec(cpuAllocation=cpu or unlimited,
                                                                         memoryAllocation=memory or unlimited))
    return datacenter, cluster, dc["vmFolder"].CreateFolder(name=name), pool


def vch_spec(name: str, mode: str = "tlsverify", **extra) -> VchSpec:
    spec = VchSpec(name=name)
    spec.compute.resource = ManagedObject(name="DC0_C0")
    spec.storage.image_stores = ["LocalDS_0"]
    spec.network.bridge.port_group = ManagedObject(name="DC0_DVPG0")
    spec.auth.no_tls = mode == "no-tls"
    spec.auth.client.no_tls_verify = mode == "no-tlsverify"
    for key, value in extra.items():
        setattr(spec, key, value)
    return spec


def datastore_files(session, datastore: str = "LocalDS_0") -> set[str]:
    """Every folder and file on the datastore, through its datastore browser."""
    found = retrieve(session.content, session.content.rootFolder, {vim.Datastore: ["name", "browser"]})
    browser = next(p["browser"] for p in found.values() if p["name"] == datastore)
    spec = vim.host.DatastoreBrowser.SearchSpec(details=vim.host.DatastoreBrowser.FileInfo.Details(fileType=True),
                                                  matchPattern=["*"])
    results = run_task(lambda: browser.SearchDatastoreSubFolders_Task(datastorePath=f"[{datastore}]",
                                                                      searchSpec=spec), "browse the datastore")
    out = set()
    for result in results or []:
        folder = result.folderPath
        out.add(folder)
        for f in result.file or []:
            out.add(f"{folder.rstrip('/')}/{f.path}")
    return out


def inventory_state(session) -> dict:
    """VMs, pools, folders (by id and name) and cluster VM groups: what create makes and delete removes."""
    objs = retrieve(session.content, session.content.rootFolder,
                    {vim.VirtualMachine: ["name"], vim.ResourcePool: ["name"], vim.Folder: ["name"],
                     vim.ClusterComputeResource: ["configurationEx"]})
    state: dict = {"vm": set(), "pool": set(), "folder": set(), "group": set()}
    for obj, props in objs.items():
        if isinstance(obj, vim.ClusterComputeResource):
            state["group"] |= {g.name for g in props["configurationEx"].group or []}
        elif isinstance(obj, vim.VirtualMachine):
            state["vm"].add((obj._moId, props["name"]))
        elif isinstance(obj, vim.ResourcePool):
            state["pool"].add((obj._moId, props["name"]))
        elif isinstance(obj, vim.Folder):
            state["folder"].add((obj._moId, props["name"]))
    return state


def picture(session) -> tuple[dict, set[str]]:
    """Inventory and datastore together: equal before and after means nothing was left behind."""
    return inventory_state(session), datastore_files(session)


@dataclass
class VchWorld:
    """A simulator ready for VCHs: vic-engine open, simulator ISOs, and (usually) the appliance stand-in."""

    sim: object
    session: object
    isos: object
    stand_in: object | None

    @property
    def target_args(self) -> list[str]:
        sim = self.sim
        return ["--target", f"https://{sim.host}:{sim.port}", "--user", sim.username, "--password", sim.password,
                "--thumbprint", sim.thumbprint_sha256]

    @property
    def iso_args(self) -> list[str]:
        return ["--appliance-iso", str(self.isos.appliance.path), "--bootstrap-iso", str(self.isos.bootstrap.path)]

    def close(self) -> None:
        if self.stand_in is not None:
            self.stand_in.stop()
        self.session.logout()


def make_world(sim, iso_dir, *, appliance: bool = True) -> VchWorld:
    from sim.appliance import ApplianceStandIn
    from sim.isos import ensure_isos
    from tests.support import session_for
    from vic_machine.iso import check_isos

    session = session_for(sim)
    allow_vic_engine(session)
    isos = check_isos(*ensure_isos(iso_dir))
    stand_in = ApplianceStandIn.for_simulator(sim, boot_delay=0.1).start() if appliance else None
    return VchWorld(sim, session, isos, stand_in)


def permissions_of(session, user: str) -> dict[str, str]:
    """Every permission ``user`` holds, as RetrieveEntityPermissions tells: entity moid → role name."""
    manager = session.content.authorizationManager
    roles = {r.roleId: r.name for r in manager.roleList}
    objs = retrieve(session.content, session.content.rootFolder, {vim.ManagedEntity: ["name"]})
    out = {}
    for obj in [session.content.rootFolder, *objs]:
        for p in manager.RetrieveEntityPermissions(entity=obj, inherited=False) or []:
            if p.principal == user:
                out[obj._moId] = roles.get(p.roleId, str(p.roleId))
    return out
