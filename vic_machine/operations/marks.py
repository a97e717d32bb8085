"""Marks that say which pieces belong to which VCH, so what a failed or interrupted operation leaves is found.

A VCH is its endpoint VM plus pieces around it: a resource pool and a VM folder named after it, a DRS VM group,
a folder on the datastore, volume store folders. Once the VM is gone nothing in the VM's configuration can say
whose the rest is, and a pool merely named like a VCH may be a user's own. So the pool and the VM folder a VCH
owns carry a **record** in a vCenter custom attribute (``vic-plugin.vch``, one definition per object type, via
``CustomFieldsManager``): the VCH's name, its VM's id, what state it was left in (``creating`` … ``created`` …
``deleting``) and the pieces beside them (datastore folder, DRS VM group and its cluster, volume store folders a
delete was asked to remove). ``create`` marks the pool and folder it makes; ``delete`` marks (or re-marks) them
before removing anything — also those of a VCH VIC 1.5.8 made — and removes the pool and folder last, so while
anything of the VCH is left, a marked object says so. Only marked objects are ever offered for removal.

The endpoint VM itself carries its state in the hidden extraConfig key ``vic-plugin/state`` (``creating`` until a
create has finished, ``deleting`` once a delete started), so ``ls`` shows a VCH being created or deleted as such.

Marking is best effort: a user without the privileges for custom attributes (``Global.ManageCustomFields`` to
define it once, ``Global.SetCustomField`` to set it) still creates and deletes; the operation then warns that what
a failure would leave could not be marked.

govmomi 0.24.2's simulator appends a value set again instead of replacing it: readers take the last value of the
field, and an empty value means unmarked, as for extraConfig.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import asdict, dataclass, field

from pyVmomi import vim

from vic_machine.errors import VicError
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session

FIELD = "vic-plugin.vch"
MARKED = (vim.ResourcePool, vim.Folder)
# Hidden (no ``guestinfo.`` prefix): the guest never sees it; VIC 1.5.8 ignores keys it does not know.
STATE_KEY = "vic-plugin/state"
CREATING, CREATED, DELETING = "creating", "created", "deleting"

_lock = threading.Lock()
_keys: dict[tuple[str, int], dict[str, int]] = {}


@dataclass
class Record:
    """What a marked pool or folder says about its VCH; ``id`` groups the pieces of one VCH (its VM's id once
    there is a VM, a random token before)."""

    vch: str
    id: str = field(default_factory=lambda: "pending-" + secrets.token_hex(4))
    vm: str = ""
    state: str = CREATING
    files: str = ""
    group: str = ""
    cluster: str = ""
    volumes: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v not in ("", [], None)}
        return json.dumps(data, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Record | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or not isinstance(data.get("vch"), str) or not data["vch"]:
                return None
            known = {k: data[k] for k in ("vch", "id", "vm", "state", "files", "group", "cluster") if k in data}
            record = cls(**{k: str(v) for k, v in known.items()})
            record.volumes = [str(v) for v in data.get("volumes") or [] if isinstance(v, str)]
            return record
        except (ValueError, TypeError):
            return None


def _cache_key(session: Session) -> tuple[str, int]:
    return (session.target.host, int(session.target.port or 443))


def field_keys(session: Session, *, define: bool = False) -> dict[str, int]:
    """The custom attribute's key per marked type name (``ResourcePool``, ``Folder``); ``define`` adds the
    definitions missing (and raises :class:`VicError` when that is refused)."""
    cache = _cache_key(session)
    with _lock:
        known = dict(_keys.get(cache, {}))
    wanted = {t.__name__.split(".")[-1] for t in MARKED}
    if wanted <= set(known):
        return known
    manager = session.content.customFieldsManager
    if manager is None:
        return known
    defs = retrieve_objects(session.content, [manager], ["field"]).get(manager, {}).get("field") or []
    for d in defs:
        type_name = getattr(d.managedObjectType, "__name__", "") or ""
        if d.name == FIELD and type_name:
            known[type_name.split(".")[-1]] = d.key
    if define:
        for kind in MARKED:
            name = kind.__name__.split(".")[-1]
            if name in known:
                continue
            try:
                with vsphere_call("define the custom attribute", FIELD):
                    made = manager.AddCustomFieldDef(name=FIELD, moType=kind)
                known[name] = made.key
            except VicError as exc:
                if getattr(exc, "fault", "") != "DuplicateName":
                    raise
                return field_keys(session)  # defined meanwhile by someone else
    with _lock:
        _keys[cache] = dict(known)
    return known


def forget_keys(session: Session) -> None:
    with _lock:
        _keys.pop(_cache_key(session), None)


def mark(session: Session, entity: vim.ManagedEntity, record: Record | None) -> None:
    """Write ``record`` on a pool or folder (None: unmark it).

    :raise VicError: the attribute cannot be defined or set (missing privilege, vCenter refused).
    """
    kind = type(entity).__name__.split(".")[-1]
    for attempt in (1, 2):
        keys = field_keys(session, define=record is not None)
        if kind not in keys:
            return  # unmarking what was never marked
        try:
            with vsphere_call("mark the VCH's piece", kind):
                session.content.customFieldsManager.SetField(entity=entity, key=keys[kind],
                                                             value=record.to_json() if record else "")
            return
        except VicError as exc:
            if attempt == 2 or getattr(exc, "fault", "") not in ("InvalidArgument", "NotFound"):
                raise
            forget_keys(session)  # the definition was removed since: define it again


def record_of(custom_values, keys: dict[str, int], kind: type) -> Record | None:
    """The record in an object's ``customValue`` (last value of our key wins; empty means unmarked)."""
    key = keys.get(kind.__name__.split(".")[-1])
    if key is None:
        return None
    value = None
    for v in custom_values or []:
        if getattr(v, "key", None) == key:
            value = getattr(v, "value", "")
    return Record.from_json(value)


def read_records(session: Session, objs: dict) -> dict:
    """Marked pools and folders among ``objs`` (object → properties holding ``customValue``), with records."""
    if not any(props.get("customValue") for obj, props in objs.items() if isinstance(obj, MARKED)):
        return {}
    keys = field_keys(session)
    out = {}
    for obj, props in objs.items():
        if isinstance(obj, MARKED) and props.get("customValue"):
            kind = vim.ResourcePool if isinstance(obj, vim.ResourcePool) else vim.Folder
            record = record_of(props.get("customValue"), keys, kind)
            if record is not None:
                out[obj] = record
    return out


def vm_state(extra: dict[str, str]) -> str:
    """``creating`` / ``deleting`` from an endpoint VM's extraConfig (read as a map), "" otherwise."""
    value = extra.get(STATE_KEY, "")
    return value if value in (CREATING, DELETING) else ""
