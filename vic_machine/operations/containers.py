"""Container VMs of VCHs, read with a constant number of property-collector calls."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from vic_machine.extraconfig import is_container, read_extra_config
from vic_machine.operations.ls import VchSummary
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.session import Session

_PROPS = ["name", "resourcePool", "runtime.powerState", "summary.quickStats", "summary.storage.committed"]


@dataclass(frozen=True)
class ContainerSummary:
    id: str
    name: str
    state: str
    image: str
    ports: str
    vch_id: str
    vch_name: str
    vm: str
    cpu_mhz: int
    memory_mb: int
    storage_bytes: int
    vm_name: str = ""  # the container VM's own name (its convention's), where ``name`` is the container's

    def to_dict(self) -> dict:
        return asdict(self)


def _pool_of(vchs: list[VchSummary]) -> dict:
    pools = {}
    for vch in vchs:
        pool = vch.props.get("resourcePool")
        if pool is not None:
            pools[pool] = vch
    return pools


def list_containers(session: Session, vchs: list[VchSummary]) -> list[ContainerSummary]:
    """The container VMs in the resource pools of ``vchs``, in two property-collector calls."""
    pools = _pool_of(vchs)
    if not pools:
        return []
    members = retrieve_objects(session.content, list(pools), ["vm"])
    vch_vms = {v.vm for v in vchs}
    candidates = [vm for props in members.values() for vm in props.get("vm") or [] if vm not in vch_vms]
    found = retrieve_objects(session.content, candidates, [*_PROPS, "config.extraConfig"])
    out = []
    for vm in candidates:
        extra = found.get(vm, {}).get("config.extraConfig") or []
        if not is_container(extra):
            continue
        values = read_extra_config(extra)
        p = found[vm]
        vch = pools[p["resourcePool"]]
        stats = p.get("summary.quickStats")
        out.append(ContainerSummary(
            id=values.get("guestinfo.vice./common/id", "")[:12],
            name=values.get("common/name") or values.get("guestinfo.vice./common/name") or p["name"],
            state=str(p.get("runtime.powerState", "")),
            image=values.get("guestinfo.vice./repo", ""),
            ports=values.get("guestinfo.vice./networks|bridge/ports~", "").replace("|", ", "),
            vch_id=vch.id, vch_name=vch.name, vm=vm._moId,
            cpu_mhz=int(getattr(stats, "overallCpuUsage", 0) or 0),
            memory_mb=int(getattr(stats, "guestMemoryUsage", 0) or 0),
            storage_bytes=int(p.get("summary.storage.committed") or 0), vm_name=str(p.get("name", ""))))
    return sorted(out, key=lambda c: (c.vch_name, c.name))
