"""Between the wizard's text fields and the VCH model: parse what was typed, format defaults, set by path.

The wizard describes each field as a dict (``vic_machine.spec.wizard_description``); these helpers read only
that description, so the terminal wizard has no list of fields of its own.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from vic_machine.spec.fields import hints, unwrap
from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ManagedObject
from vic_machine.spec.units import UnitError, to_canonical

_QUANTITY = re.compile(r"^\s*(\d+)\s*([A-Za-z]*)\s*$")
_BINARY = (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024))
_DECIMAL = (("TB", 1000**4), ("GB", 1000**3), ("MB", 1000**2))


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def format_default(desc: dict) -> str:
    """The text an input starts with for a field's default."""
    default = desc["default"]
    if default is None or default == [] or desc["type"] == "boolean":
        return ""
    if isinstance(default, dict):  # a managed object
        return default.get("name") or default.get("id") or ""
    if isinstance(default, list):
        return ", ".join(str(item) for item in default)
    if desc["type"] == "quantity" and desc["unit"] == "B":
        # The larger of the binary and decimal readings: 8 GB reads better than 7812500 KiB.
        readings = [(default // f, u) for u, f in _BINARY + _DECIMAL if default % f == 0]
        if readings:
            amount, unit = min(readings)
            return f"{amount} {unit}"
    return str(default)


def _quantity(text: str, desc: dict) -> int:
    match = _QUANTITY.match(text)
    unit = desc["unit"] or ""
    if not match:
        raise ValueError(f"must be a whole number{' of ' + unit if unit else ''}, like 4{unit and ' ' + unit}")
    amount, given = int(match.group(1)), match.group(2)
    if not given or given == unit:
        return amount
    try:
        return to_canonical(amount, given, unit)
    except (UnitError, ValueError) as exc:
        raise ValueError(f"unknown unit {given!r}: {exc}") from None


def _pem(text: str) -> str:
    path = Path(text).expanduser()
    try:
        return path.read_text()
    except OSError as exc:
        raise ValueError(f"cannot read PEM file {text}: {exc.strerror or exc}") from None


def parse_text(text: str, desc: dict) -> Any:
    """The model value of what was typed into a field; ``ValueError`` says what is wrong, for the field.

    Empty text means the field's default (``None`` for optional fields), so the core's checks decide
    whether it was required.
    """
    text = text.strip()
    kind = desc["type"]
    if desc["multiple"]:
        items = [item.strip() for item in text.split(",") if item.strip()]
        if kind == "pem":
            return [_pem(item) for item in items]
        return items
    if not text:
        default = desc["default"]
        return "" if isinstance(default, str) else (None if isinstance(default, dict) else default)
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValueError("must be a whole number") from None
    if kind == "quantity":
        return _quantity(text, desc)
    if kind == "pem":
        return _pem(text)
    if kind == "managed_object":
        return ManagedObject(name=text)
    return text


def _hint(obj: Any, name: str) -> Any:
    hint, _ = unwrap(hints(type(obj))[name])
    return hint


def set_value(target: Any, path: str, value: Any) -> None:
    """Set a dotted ``path`` of a model object, creating unset groups only when the value is not empty.

    Leaving an optional group (client network, gateway) unset keeps its "inherit"/"none" meaning.
    """
    *parents, leaf = path.split(".")
    obj = target
    for name in parents:
        inner = getattr(obj, name)
        if inner is None:
            if is_empty(value):
                return
            inner = _hint(obj, name)()
            setattr(obj, name, inner)
        obj = inner
    setattr(obj, leaf, value)


def new_item(list_path: str) -> Any:
    """An empty item of a list of objects (``storage.volume_stores``), of the model's own class."""
    *parents, leaf = list_path.split(".")
    obj: Any = VchSpec()
    for name in parents:
        obj = getattr(obj, name) or _hint(obj, name)()
    return _hint(obj, leaf)()


def is_dataclass_value(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)
