"""The Configure VCH wizard's steps: the create wizard's description cut to what configure may change, each field
pre-filled with the VCH's stored value. Pure: reads only the core's wizard description and a spec.

Which fields configure may change is the core's word (``configure_change.LIVE`` and ``RESTART``); this module
keeps no list of fields of its own beyond the one the stored configuration cannot hold.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from vic_machine.operations.configure_change import LIVE, RESTART
from vic_machine.spec import wizard_description
from vic_machine.spec.model import VchSpec

# The appliance's stored configuration has no place for it: configure would report a change it cannot make.
_NOT_STORED = ("registry.image_fetch_proxy.no_proxy",)

# What configure refuses to remove or move in a stored item (configure_change's removal checks), and why: those
# fields of a stored item cannot be edited here, and the item has no Remove.
LOCKED_ITEMS = {
    "storage.volume_stores": (("datastore", "label"),
                              "Stored volume store: it may hold volumes, so it cannot be removed or moved."),
    "network.container": (("port_group",),
                          "Stored container network: containers may be attached, so it cannot be removed."),
}


def volume_location(location: str) -> tuple[str, str]:
    """A volume store's datastore and folder however it is written (``ds://DS/f``, ``DS/f``, ``[DS] f``)."""
    if "://" in location and not location.startswith("ds://"):
        return location, ""
    text = location.removeprefix("ds://").strip()
    if text.startswith("["):
        datastore, _, folder = text[1:].partition("]")
    else:
        datastore, _, folder = text.partition("/")
    return datastore.strip("[] "), folder.strip().strip("/")


def is_live(path: str) -> bool:
    """Whether a change of ``path`` is applied without restarting the VCH."""
    return path.startswith(LIVE)


def value_at(obj: Any, path: str) -> Any:
    """The value at a dotted ``path`` of a model object; None when a group on the way is unset."""
    for name in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def _group_present(spec: VchSpec, path: str) -> bool:
    # An unset group ("client network: same as public") has no field of its own to configure.
    parent = path.rpartition(".")[0]
    return not parent or value_at(spec, parent) is not None


def configurable(path: str, spec: VchSpec) -> bool:
    """Whether the Configure wizard shows the field at ``path`` for this VCH."""
    return (path.startswith((*LIVE, *RESTART)) and not path.startswith(_NOT_STORED)
            and _group_present(spec, path))


def as_default(value: Any) -> Any:
    """A model value in the shape the wizard description gives defaults (objects as dicts of what is set)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: as_default(v) for k, v in dataclasses.asdict(value).items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [as_default(item) for item in value]
    return value


def _prefilled(desc: dict, value: Any) -> dict:
    desc = dict(desc, required=False)
    if desc["type"] == "pem":
        # A text field of a PEM takes file paths: the stored certificates are kept and new files added to them.
        count = len(value) if isinstance(value, list) else int(bool(value))
        if desc["multiple"]:
            desc["placeholder"] = f"{count} stored; paths of PEM files to add" if count else "paths of PEM files"
        else:
            desc["placeholder"] = "stored; path of a PEM file to replace it" if count else "path of a PEM file"
        desc["default"] = [] if desc["multiple"] else None
    elif desc["secret"]:
        desc["placeholder"] = "unchanged unless typed"
        desc["default"] = None
    else:
        desc["default"] = as_default(value)
    return desc


def _item_list(desc: dict, items: list[Any]) -> dict:
    prefix = f"{desc['path']}[]."
    locked, note = LOCKED_ITEMS.get(desc["path"], ((), ""))
    filled = [[dict(_prefilled(sub, value_at(item, sub["path"][len(prefix):])),
                    locked=sub["path"][len(prefix):] in locked) for sub in desc["fields"]]
              for item in items]
    return dict(desc, items=filled, stored_note=note)


def configure_steps(spec: VchSpec, esxi: bool = False) -> list[dict]:
    """The wizard's steps with only the fields configure may change, pre-filled from ``spec``; steps left
    empty are dropped, the summary step kept last. ``esxi``: without what only vCenter has."""
    steps = []
    for step in wizard_description(esxi=esxi)["steps"]:
        if not step["fields"]:
            steps.append(dict(step, title="Changes"))
            continue
        fields = []
        for desc in step["fields"]:
            if not configurable(desc["path"], spec):
                continue
            value = value_at(spec, desc["path"])
            if desc["type"] == "object" and desc["multiple"]:
                fields.append(_item_list(desc, list(value or [])))
            else:
                fields.append(_prefilled(desc, value))
        if fields:
            steps.append(dict(step, fields=fields))
    return steps


def merged_value(desc: dict, stored: Any, typed: Any) -> Any:
    """The value a changed field gives the spec: PEM lists add the typed files to the stored ones; a volume
    store typed as create accepted it (``DS/folder``) is the stored one (``ds://DS/folder``), not a move."""
    if desc["type"] == "pem" and desc["multiple"]:
        return list(stored or []) + [pem for pem in typed if pem not in (stored or [])]
    if desc["path"] == "storage.volume_stores":
        by_label = {v.label: v for v in stored or []}
        out = []
        for item in typed:
            old = by_label.get(item.label)
            if old is not None and volume_location(old.datastore) == volume_location(item.datastore or ""):
                item = dataclasses.replace(item, datastore=old.datastore)
            if item not in out:
                out.append(item)
        return out
    return typed


def display_value(desc: dict, value: Any) -> str:
    """A short text of a field's value for the list of changes (secrets masked, PEMs counted)."""
    if value in (None, "", []):
        return "(none)"
    if desc["secret"]:
        return "••••••"
    if desc["type"] == "pem":
        return f"{len(value) if isinstance(value, list) else 1} certificate(s)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(display_value(dict(desc, type="string", secret=False), item) for item in value)
    display = getattr(value, "display", None)
    if callable(display):
        return display()
    if dataclasses.is_dataclass(value):
        return getattr(value, "label", None) or getattr(value, "alias", None) or str(value)
    unit = f" {desc['unit']}" if desc["unit"] and isinstance(value, int) else ""
    return f"{value}{unit}"
