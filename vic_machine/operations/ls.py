"""List the VCHs of a datacenter with one property-collector query."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pyVmomi import vim

from vic_machine.vsphere.collector import retrieve
from vic_machine.vsphere.datacenter import find_datacenter
from vic_machine.vsphere.session import Session

ID_KEY = "guestinfo.vice./init/common/id"
NAME_KEY = "init/common/name"
VERSION_KEY = "guestinfo.vice./init/version/BuildNumber"


@dataclass(frozen=True)
class VchSummary:
    id: str
    name: str
    path: str
    version: str
    power_state: str


def _last_values(extra_config) -> dict[str, str]:
    """Last value of each key wins; an empty value means absent (see DESIGN.md, simulator quirks)."""
    values: dict[str, str] = {}
    for opt in extra_config or []:
        if opt.value in ("", None):
            values.pop(opt.key, None)
        else:
            values[opt.key] = str(opt.value)
    return values


def list_vchs(session: Session, datacenter: str = "") -> list[VchSummary]:
    """The VCHs of the datacenter (the target's, or the only one)."""
    dc = find_datacenter(session, datacenter or session.target.datacenter)
    vms = retrieve(session.content, dc.vmFolder,
                   {vim.VirtualMachine: ["name", "config.extraConfig", "runtime.powerState"]})
    out = []
    for vm, props in vms.items():
        values = _last_values(props.get("config.extraConfig"))
        vch_id = values.get(ID_KEY, "")
        if vch_id not in (f"VirtualMachine:{vm._moId}", "CreatingVCH"):
            continue
        out.append(VchSummary(id=vm._moId, name=values.get(NAME_KEY, props["name"]), path=props["name"],
                              version=values.get(VERSION_KEY, ""), power_state=str(props.get("runtime.powerState"))))
    return sorted(out, key=lambda v: v.name)


def as_dicts(vchs: list[VchSummary]) -> list[dict]:
    return [asdict(v) for v in vchs]
