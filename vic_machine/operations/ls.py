"""List the VCHs of a datacenter (or under one compute resource) in a constant number of round trips.

One property-collector read gets every VM's name, power state, pool and alternate guest name, with the pools,
compute resources and folders needed for paths. Candidates are found as VIC 1.5.8 finds them: a VM named like
its resource pool (vic-machine names the pool, its folder and the endpoint VM after the VCH), and also any VM
whose alternate guest name says "Photon - VCH …". Only the candidates' extraConfig is read, in one more call,
and VIC's own rule decides (the stored id is the VM's reference or ``CreatingVCH``), whatever the guest OS
setting says. Nothing is read VM by VM.

A VCH being created or deleted is listed as such (``state``; upgrade status *Being created* / *Being deleted*),
and with ``remnants`` so is what is left of one whose endpoint VM is gone, found from the marks on its pool and
folder (``vic_machine.operations.remnants``) read in the same bulk read: ``vm`` is then None and ``remnant`` holds
its pieces, so ``delete`` can finish it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyVmomi import vim

from vic_machine.extraconfig import VchConfig, decode, is_vch, read_extra_config
from vic_machine.inventory.vch_candidates import candidates
from vic_machine.iso import IsoInfo, parse_tag
from vic_machine.vsphere.datacenter import find_named_datacenter
from vic_machine.vsphere.raw_soap import retrieve_objects_plain, retrieve_plain
from vic_machine.vsphere.session import Session

ADMIN_PORT = 2378
UP_TO_DATE = "Up to date"
IN_PROGRESS = "Upgrade in progress"
NEWER = "VCH has newer version"
UNKNOWN = "Unknown"
BEING_CREATED = "Being created"
BEING_DELETED = "Being deleted"

# Plain values only, read without pyvmomi's parser (``raw_soap``): thousands of VMs in a few hundred milliseconds.
_VM_PROPS = {
    vim.VirtualMachine: ["name", "resourcePool", "config.alternateGuestName"],
}
# Only the candidates' (a few among thousands): their configuration and state; ``rootSnapshot`` so that leftover
# snapshots are looked for only on VCHs that have snapshots.
_CANDIDATE_PROPS = ["config.extraConfig", "config.files.vmPathName", "runtime.powerState", "parent", "rootSnapshot"]
_PROPS = {
    vim.ResourcePool: ["name", "parent", "customValue"],
    vim.ComputeResource: ["name", "parent"],
    vim.Folder: ["name", "parent", "customValue"],
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
    vm: vim.VirtualMachine | None = field(repr=False, compare=False)
    config: VchConfig = field(repr=False, compare=False)
    props: dict = field(repr=False, compare=False, default_factory=dict)
    # "creating" / "deleting" while (or since) an operation is at it; "" otherwise.
    state: str = field(default="", compare=False)
    # What is left of a VCH whose endpoint VM is gone (then ``vm`` is None): ``remnants.Remnant``.
    remnant: object = field(default=None, repr=False, compare=False)
    # The name of the endpoint VM's resource pool (or vApp), read with the inventory: the API's ``parent``.
    pool_name: str = field(default="", repr=False, compare=False)

    @property
    def entity(self):
        """The object standing for the VCH in vCenter: its endpoint VM, or a marked piece of what is left."""
        if self.vm is not None:
            return self.vm
        anchors = getattr(self.remnant, "anchors", [])
        return anchors[0] if anchors else None

    @property
    def left(self) -> list[str]:
        """What is left of a VCH whose endpoint VM is gone; [] for a whole one."""
        return self.remnant.pieces() if self.remnant is not None else []

    def to_dict(self) -> dict:
        """vic-machine-server's VCH list entry (and our ``path``; ``state`` and ``left`` when there are)."""
        out = {"id": self.id, "name": self.name, "path": self.path, "version": self.version,
               "upgrade_status": self.upgrade_status, "power_state": self.power_state,
               "docker_host": self.docker_host, "admin_portal": self.admin_portal}
        if self.state:
            out["state"] = self.state
        if self.remnant is not None:
            out["left"] = self.left
        return out


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


def vch_state(config: VchConfig, extra: dict[str, str]) -> str:
    """"creating" while a create has not finished (VIC's ``CreatingVCH``, or our mark until the create's last
    step), "deleting" once a delete started, "" otherwise."""
    from vic_machine.operations import marks

    state = marks.vm_state(extra)
    return state or (marks.CREATING if config.is_creating else "")


def list_vchs(session: Session, datacenter: str = "", compute_resource: str = "",
              iso: IsoInfo | None = None, remnants: bool = False) -> list[VchSummary]:
    """The VCHs of the datacenter (the target's, or the only one), optionally under ``compute_resource``.

    :param iso: the appliance ISO to compare versions with; upgrade status "Unknown" without one.
    :param remnants: also what is left of VCHs whose endpoint VM is gone (``vm`` None, ``remnant`` set).
    """
    dc, dc_name = find_named_datacenter(session, datacenter or session.target.datacenter)
    # Not the VMs' folders: what is left of a VCH reads them only when it has a folder (remnants.find).
    objs = retrieve_plain(session, dc, {**_VM_PROPS, **_PROPS})
    vms = candidates(objs)
    configs = retrieve_objects_plain(session, list(vms), _CANDIDATE_PROPS)
    out = []
    found: dict = {}
    for vm, props in configs.items():
        extra = props.get("config.extraConfig") or []
        if not is_vch(extra, vm._moId):
            continue
        found[vm] = {**vms[vm], **props}
        # As VIC's ls reads a VCH (GetNoSecretVCHConfig): nothing sealed is opened; what needs a secret reads it.
        config = decode(extra, secrets=False)
        pool = vms[vm].get("resourcePool")
        path = inventory_path(pool, objs, dc_name)
        parent_path = path.rsplit("/", 1)[0] if path.rsplit("/", 1)[-1] == vms[vm]["name"] else path
        if not _under(parent_path, compute_resource):
            continue
        ip = config.client_ip
        state = vch_state(config, read_extra_config(extra))
        status = {"creating": BEING_CREATED, "deleting": BEING_DELETED}.get(state) or upgrade_status(config, iso)
        out.append(VchSummary(
            id=vm._moId, name=config.name or vms[vm]["name"], path=parent_path, version=config.version,
            upgrade_status=status, power_state=str(props.get("runtime.powerState", "")),
            docker_host=f"{ip}:{config.docker_port}" if ip else "",
            admin_portal=f"https://{ip}:{ADMIN_PORT}" if ip else "",
            vm=vm, config=config, props={**vms[vm], **props}, state=state,
            pool_name=objs.get(pool, {}).get("name", "")))
    if remnants:
        out += [v for v in _remnants(session, objs, found, dc_name) if _under(v.path, compute_resource)]
    return sorted(out, key=lambda v: (v.name, v.id))


def _remnants(session: Session, objs: dict, found: dict, dc_name: str) -> list[VchSummary]:
    from vic_machine.operations import marks

    records = marks.read_records(session, objs)
    if not records:  # the common case: the removing code is not even loaded
        return []
    from vic_machine.operations import remnants

    out = []
    for r in remnants.find(session, objs, records, found, dc_name):
        state = r.record.state if r.record.state in (marks.CREATING, marks.DELETING) else ""
        out.append(VchSummary(id=r.id, name=r.name, path=r.path, version="", upgrade_status=r.status,
                              power_state="", docker_host="", admin_portal="", vm=None, config=decode([]),
                              props={}, state=state, remnant=r))
    return out


def installer_tag(iso: IsoInfo | None) -> str:
    """The version the installer speaks for (the ISO's), for messages."""
    return iso.tag if iso is not None and parse_tag(iso.tag) else "unknown"
