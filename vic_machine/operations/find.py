"""Find one VCH by id (``vm-42`` or ``VirtualMachine:vm-42``) or by name, as ``--id`` / ``--name`` select it."""

from __future__ import annotations

from vic_machine.errors import FieldError, InputError, NotFound
from vic_machine.iso import IsoInfo
from vic_machine.operations.ls import VchSummary, list_vchs
from vic_machine.vsphere.session import Session


def find_vch(session: Session, *, vch_id: str = "", name: str = "", datacenter: str = "",
             compute_resource: str = "", iso: IsoInfo | None = None, remnants: bool = False) -> VchSummary:
    """The one VCH with that id or name (under ``compute_resource`` when given); with ``remnants`` (for delete)
    also what is left of one whose endpoint VM is gone.

    :raise InputError: neither (or both) given, or several VCHs share the name.
    :raise NotFound: no such VCH (the message lists those there are).
    """
    if bool(vch_id) == bool(name):
        raise InputError(FieldError("id", "give either --id or --name of the VCH"))
    vchs = list_vchs(session, datacenter, compute_resource, iso, remnants=remnants)
    wanted = vch_id.split(":", 1)[-1] if vch_id else ""
    found = [v for v in vchs if v.id == wanted] if vch_id else [v for v in vchs if v.name == name]
    if not found and not remnants:
        left = [v for v in list_vchs(session, datacenter, compute_resource, iso, remnants=True)
                if v.remnant is not None and (v.id == wanted if vch_id else v.name == name)]
        if left:
            raise NotFound(f"Only what is left of VCH {left[0].name} ({left[0].upgrade_status.lower()}) is there: "
                           f"{', '.join(left[0].left)}",
                           remedy=f"Delete it to remove the rest (vic-machine delete --id {left[0].id})")
    if not found:
        known = ", ".join(f"{v.name} ({v.id})" for v in vchs) or "none"
        what = f"id {vch_id}" if vch_id else f"name {name!r}"
        raise NotFound(f"No VCH with {what} in {session.target.display}", remedy=f"VCHs there: {known}")
    if len(found) > 1:
        ids = ", ".join(f"{v.id} in {v.path}" for v in found)
        raise InputError(FieldError("name", f"{len(found)} VCHs are named {name!r} ({ids}); select one with --id "
                                            "or --compute-resource"))
    return found[0]
