"""The Create VCH wizard described as data, for the web views and the terminal UI to render.

The description comes from the field registry, so a field's label, help, default and limits are the same
in every wizard, in the REST API and in the CLI.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from vic_machine.spec.fields import FieldInfo
from vic_machine.spec.fields import fields
from vic_machine.spec.meta import STEPS


# The units a person picks beside a quantity, by the model's canonical unit: what vSphere administrators use
# (the vSphere Client shows memory in MB/GB, CPU in MHz/GHz, disks in GB). The canonical unit comes first.
DISPLAY_UNITS: dict[str, tuple[str, ...]] = {
    "MiB": ("MiB", "GiB"),
    "MHz": ("MHz", "GHz"),
    "B": ("GB", "GiB", "MB", "MiB"),
    "GiB": ("GiB", "TiB"),
}

# Fields whose empty value means "no limit" (vic-ui's "Unlimited" choice; 1.5.8's 0).
UNLIMITED = frozenset({"compute.cpu.limit", "compute.memory.limit", "storage.storage_quota",
                       "container.container_count"})

# Fields a wizard shows under "Advanced" (VIC 1.5's advanced sections and vic-machine 1.5.8's hidden flags), by
# path prefix.
ADVANCED = ("compute.cpu.reservation", "compute.cpu.shares", "compute.memory.reservation", "compute.memory.shares",
            "compute.affinity", "endpoint.cpu", "endpoint.memory", "network.client.", "network.management.",
            "registry.image_fetch_proxy", "network.container", "network.bridge.network_width", "network.asymmetric",
            "debug", "storage.storage_quota")


def _json_default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {key: item for key, item in dataclasses.asdict(value).items() if item is not None}
    if isinstance(value, tuple):
        return list(value)
    return value


def describe_field(info: FieldInfo) -> dict:
    """One field as the wizard description lists it (JSON-serializable)."""
    meta = info.meta
    return {
        "path": info.path,
        "label": meta.label,
        "help": meta.help,
        "type": meta.type,
        "default": _json_default(info.default),
        "required": meta.required,
        "choices": list(meta.choices),
        "min": meta.min,
        "max": meta.max,
        "min_length": meta.min_length,
        "max_length": meta.max_length,
        "pattern": meta.pattern,
        "pattern_help": meta.pattern_help,
        "unit": meta.unit,
        "json_units": list(meta.json_units),
        "secret": meta.secret,
        "multiple": info.multiple,
        "flags": list(meta.flags),
        # Ours for the views: the units offered beside a quantity, whether empty means unlimited, and whether the
        # field belongs under "Advanced".
        "units": list(DISPLAY_UNITS.get(meta.unit or "", (meta.unit,) if meta.unit else ())),
        "unlimited": info.path in UNLIMITED,
        "advanced": info.path.startswith(ADVANCED),
    }


# What only vCenter has (DRS VM groups, roles and permissions): left out of the wizard for an ESXi host.
VCENTER_ONLY = frozenset({"compute.affinity.use_vm_group", "endpoint.operations_credentials.grant_permissions"})
# What an ESXi host fills in when left empty (vic_machine.esxi.defaults), and how the wizard says so.
ESXI_DEFAULTS = {
    "compute.resource": "On an ESXi host: the host itself when none is chosen.",
    "network.bridge.port_group": "On an ESXi host: when none is chosen (or the name is not a port group of the "
                                 "host), a virtual switch and a port group of that name (the VCH's) are made, "
                                 "and removed with the VCH.",
}


def _for_esxi(entry: dict) -> dict:
    if entry["path"] in ESXI_DEFAULTS:
        entry = {**entry, "required": False, "help": f"{entry['help']} {ESXI_DEFAULTS[entry['path']]}"}
    return entry


def wizard_description(esxi: bool = False) -> dict:
    """The wizard's steps in order, each with its title and fields.

    ``esxi``: for an ESXi host that no vCenter manages, without what only vCenter has (``VCENTER_ONLY``), and
    with the compute resource and bridge network optional (``ESXI_DEFAULTS``).

    A list of objects (container networks, volume stores) is one entry of type ``object`` with
    ``multiple: true`` whose ``fields`` describe one item; item paths use ``[]``
    (``network.container[].alias``). Read-only fields (version, runtime) are left out; the summary step
    has no fields of its own: it shows all of them.
    """
    steps = [{"id": step, "title": title, "fields": []} for step, title in STEPS]
    by_id = {step["id"]: step for step in steps}
    groups: dict[str, dict] = {}
    for info in fields():
        if info.meta.readonly or (esxi and info.path in VCENTER_ONLY):
            continue
        entry = _for_esxi(describe_field(info)) if esxi else describe_field(info)
        if info.multiple and info.item_class is not None:
            entry["fields"] = []
            groups[info.path] = entry
        owner = next((path for path in groups if info.path.startswith(f"{path}[].")), None)
        if owner is not None:
            groups[owner]["fields"].append(entry)
        else:
            by_id[info.step]["fields"].append(entry)
    return {"steps": steps}
