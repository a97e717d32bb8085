"""List the VCHs of a datacenter (or under one compute resource) in a constant number of round trips.

One property-collector read gets every VM's name, power state, pool and alternate guest name, with the pools,
compute resources and folders needed for paths. Candidates are found as VIC 1.5.8 finds them: a VM named like
its resource pool (vic-machine names the pool, its folder and the endpoint VM after the VCH), and also any VM
whose alternate guest name says "Photon - VCH …". Only the candidates' extraConfig is read, in one more call,
and VIC's own rule decides (the stored id is the VM's reference or ``CreatingVCH``), whatever the guest OS
setting says. Nothing is read VM by VM.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyVmomi import vim

from vic_machine.extraconfig import VchConfig, decode, is_vch
from vic_machine.inventory.vch_candidates import candidates
from vic_machine.iso import IsoInfo, parse_tag
from vic_machine.vsphere.collector import retrieve, retrieve_objects
from vic_machine.vsphere.datacenter import find_datacenter
from vic_machine.vsphere.session import Session

ADMIN_PORT = 2378
UP_TO_DATE = "Up to date"
IN_PROGRESS = "Upgrade in progress"
NEWER = "VCH has newer version"
UNKNOWN = "Unknown"

_PROPS = {
    vim.VirtualMachine: ["name", "runtime.powerState", "resourcePool", "parent", "config.alternateGuestName"],
    vim.ResourcePool: ["name", "parent"],
    vim.ComputeResource: ["name", "parent"],
    vim.Folder: ["name", "parent"],
}


@dataclass(frozen=True)
class VchSummary:
    """One VCH as ``ls`` shows it; ``vm``, ``config`` and ``props`` are for find/inspect/delete, not printed."""

    id: str
    name: str
    path: str
    version: str
    upgrade_status: str
    power_state: str
    docker_host: str
    admin_portal: str
    vm: vim.VirtualMachine = field(repr=False, compare=False)
    config: VchConfig = field(repr=False, compare=False)
    props: dict = field(repr=False, compare=False, default_factory=dict)

    def to_dict(self) -> dict:
        """vic-machine-server's VCH list entry (and our ``path``)."""
        return {"id": self.id, "name": self.name, "path": self.path, "version": self.version,
                "upgrade_status": self.upgrade_status, "power_state": self.power_state,
                "docker_host": self.docker_host, "admin_portal": self.admin_portal}


def _version_key(version: str, build: str) -> tuple:
    numbers = tuple(int(p) for p in version.lstrip("v").split(".") if p.isdigit()) if version else ()
    return numbers, int(build) if build.isdigit() else -1


def upgrade_status(config: VchConfig, iso: IsoInfo | None) -> str:
    """VIC's wording, comparing the VCH's build with the appliance ISO at hand (release, then build number)."""
    if config.update_in_progress:
        return IN_PROGRESS
    build = config.executor.version
    if iso is None or build is None:
        return UNKNOWN
    ours = _version_key(build.version, build.build_number)
    theirs = _version_key(iso.version, iso.build)
    if not ours[0] or not theirs[0]:  # a build without a release stamp compares by build number alone
        ours, theirs = ours[1:], theirs[1:]
    if ours == theirs:
        return UP_TO_DATE
    return f"Upgradeable to {iso.tag}" if ours < theirs else NEWER


def inventory_path(obj, objs: dict, dc_name: str) -> str:
    """``/DC0/host/DC0_C0/Resources/vch1`` from the names and parents read in bulk."""
    parts = []
    while obj is not None and obj in objs:
        parts.append(objs[obj]["name"])
        obj = objs[obj].get("parent")
    return "/".join(["", dc_name, *reversed(parts)])


def _under(path: str, compute: str) -> bool:
    compute = compute.strip("/")
    return not compute or f"/{compute}/" in f"{path}/" or path.strip("/").startswith(compute)


def list_vchs(session: Session, datacenter: str = "", compute_resource: str = "",
              iso: IsoInfo | None = None) -> list[VchSummary]:
    """The VCHs of the datacenter (the target's, or the only one), optionally under ``compute_resource``.

    :param iso: the appliance ISO to compare versions with; upgrade status "Unknown" without one.
    """
    dc = find_datacenter(session, datacenter or session.target.datacenter)
    dc_name = retrieve_objects(session.content, [dc], ["name"])[dc]["name"]
    objs = retrieve(session.content, dc, _PROPS)
    vms = candidates(objs)
    configs = retrieve_objects(session.content, list(vms), ["config.extraConfig", "config.files.vmPathName"])
    out = []
    for vm, props in configs.items():
        extra = props.get("config.extraConfig") or []
        if not is_vch(extra, vm._moId):
            continue
        config = decode(extra)
        path = inventory_path(vms[vm].get("resourcePool"), objs, dc_name)
        parent_path = path.rsplit("/", 1)[0] if path.rsplit("/", 1)[-1] == vms[vm]["name"] else path
        if not _under(parent_path, compute_resource):
            continue
        ip = config.client_ip
        out.append(VchSummary(
            id=vm._moId, name=config.name or vms[vm]["name"], path=parent_path, version=config.version,
            upgrade_status=upgrade_status(config, iso), power_state=str(vms[vm].get("runtime.powerState", "")),
            docker_host=f"{ip}:{config.docker_port}" if ip else "",
            admin_portal=f"https://{ip}:{ADMIN_PORT}" if ip else "",
            vm=vm, config=config, props={**vms[vm], **props}))
    return sorted(out, key=lambda v: (v.name, v.id))


def installer_tag(iso: IsoInfo | None) -> str:
    """The version the installer speaks for (the ISO's), for messages."""
    return iso.tag if iso is not None and parse_tag(iso.tag) else "unknown"
