"""Input checks of a VCH specification that need no vCenter.

Limits declared on the fields (required, choices, min/max, length, pattern) are checked from the field
registry; the rest (addresses, overlaps, TLS, registries, …) by the functions of the family modules.
Every problem is a ``FieldError`` naming the field path and what is allowed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from vic_machine.errors import FieldError
from vic_machine.errors import InputError
from vic_machine.spec import syntax
from vic_machine.spec.auth_checks import check_operations
from vic_machine.spec.auth_checks import check_registry
from vic_machine.spec.auth_checks import check_tls
from vic_machine.spec.fields import FieldInfo
from vic_machine.spec.fields import field
from vic_machine.spec.fields import hints
from vic_machine.spec.fields import is_group
from vic_machine.spec.fields import step_of
from vic_machine.spec.fields import unwrap
from vic_machine.spec.meta import STEP_IDS
from vic_machine.spec.meta import meta_of
from vic_machine.spec.model import VchSpec
from vic_machine.spec.net_checks import check_network
from vic_machine.spec.units import human


def values(obj: Any, prefix: str = "") -> Iterator[tuple[str, FieldInfo, Any]]:
    """Every leaf of a spec as ``(path with indices, field, value)``; unset groups are skipped."""
    for fld in dataclasses.fields(obj):
        if meta_of(fld) is None:
            continue
        path = f"{prefix}{fld.name}"
        hint, multiple = unwrap(hints(type(obj))[fld.name])
        value = getattr(obj, fld.name)
        if is_group(hint):
            if multiple:
                for index, item in enumerate(value or []):
                    yield from values(item, f"{path}[{index}].")
            elif value is not None:
                yield from values(value, f"{path}.")
            continue
        yield path, field(path), value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _limits(path: str, info: FieldInfo, value: Any) -> list[FieldError]:
    meta = info.meta
    unit = meta.unit or ""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        if meta.choices and isinstance(meta.choices[0], int) and value not in meta.choices:
            allowed = ", ".join(str(choice) for choice in meta.choices)
            return [FieldError(path, f"must be one of {allowed}{' ' + unit if unit else ''}")]
        low, high = meta.min, meta.max
        if (low is not None and value < low) or (high is not None and value > high):
            show = (lambda n: human(n, unit)) if unit else str
            if high is None:
                return [FieldError(path, f"must be at least {show(low)}")]
            if low is None:
                return [FieldError(path, f"must be at most {show(high)}")]
            return [FieldError(path, f"must be from {show(low)} to {show(high)}")]
        return []
    if isinstance(value, str):
        if meta.choices and isinstance(meta.choices[0], str) and value not in meta.choices:
            return [FieldError(path, f"{value!r} is not allowed; choose one of {', '.join(meta.choices)}")]
        length = len(value)
        if (meta.min_length is not None and length < meta.min_length) or (
            meta.max_length is not None and length > meta.max_length
        ):
            low = meta.min_length or 0
            return [FieldError(path, f"must be {low} to {meta.max_length} characters long, got {length}")]
        if meta.pattern and value and not re.search(meta.pattern, value):
            return [FieldError(path, f"{value!r} is not allowed: use {meta.pattern_help or meta.pattern}")]
    return []


def check_declared(spec: VchSpec, *, required: bool = True) -> list[FieldError]:
    """The limits declared on the fields: required, choices, min/max, length and pattern."""
    errors: list[FieldError] = []
    for path, info, value in values(spec):
        meta = info.meta
        if meta.readonly:
            continue
        if _empty(value):
            # Fields inside list items are always required: the user added the item.
            if meta.required and (required or "[" in path):
                errors.append(FieldError(path, "is required"))
            continue
        if info.multiple:
            if meta.max_length is not None and len(value) > meta.max_length:
                errors.append(FieldError(path, f"at most {meta.max_length} entries, got {len(value)}"))
            for index, item in enumerate(value):
                if meta.pattern or meta.choices:
                    errors.extend(_limits(f"{path}[{index}]", info, item))
            continue
        errors.extend(_limits(path, info, value))
    return errors


def _syntax(errors: list[FieldError], path: str, parser: Any, text: str | None) -> None:
    if not text:
        return
    try:
        parser(text)
    except ValueError as exc:
        errors.append(FieldError(path, str(exc)))


def check_general(spec: VchSpec) -> list[FieldError]:
    """Syslog address."""
    errors: list[FieldError] = []
    _syntax(errors, "syslog_addr", syntax.syslog_url, spec.syslog_addr)
    return errors


def check_compute(spec: VchSpec) -> list[FieldError]:
    """Reservations within limits."""
    errors: list[FieldError] = []
    for name, label, unit in (("cpu", "CPU", "MHz"), ("memory", "memory", "MiB")):
        res = getattr(spec.compute, name)
        if isinstance(res.limit, int) and isinstance(res.reservation, int) and res.reservation > res.limit:
            errors.append(FieldError(
                f"compute.{name}.reservation",
                f"must not exceed the {label} limit of {res.limit} {unit}",
            ))
    return errors


def check_storage(spec: VchSpec) -> list[FieldError]:
    """Datastore paths and volume store labels."""
    errors: list[FieldError] = []
    storage = spec.storage
    if len(storage.image_stores) > 1:
        errors.append(FieldError("storage.image_stores", "at most 1 image datastore"))
    for index, text in enumerate(storage.image_stores):
        _syntax(errors, f"storage.image_stores[{index}]", syntax.datastore_path, text)
    labels: dict[str, int] = {}
    for index, store in enumerate(storage.volume_stores):
        _syntax(errors, f"storage.volume_stores[{index}].datastore", syntax.volume_location, store.datastore)
        if store.label in labels:
            errors.append(FieldError(
                f"storage.volume_stores[{index}].label",
                f"{store.label!r} is already the name of volume store {labels[store.label]}; names must be unique",
            ))
        elif store.label:
            labels[store.label] = index
    return errors


FAMILIES = (check_general, check_compute, check_storage, check_network, check_tls, check_registry, check_operations)


def check(spec: VchSpec, step: str | None = None, *, required: bool = True) -> list[FieldError]:
    """Every input problem of ``spec``, or only those of one wizard step's fields.

    :param step: a wizard step id (``general``, ``compute``, ``storage``, ``networks``, ``security``,
        ``registry``, ``operations``, ``summary``); ``None`` or ``summary`` checks everything.
    :param required: also report missing required fields (compute resource, image datastore, bridge
        network); front ends that fill those in later, from the inventory, pass ``False``.
    :raise ValueError: unknown step.
    """
    if step is not None and step not in STEP_IDS:
        raise ValueError(f"unknown wizard step {step!r}; steps: {', '.join(STEP_IDS)}")
    errors = check_declared(spec, required=required)
    for family in FAMILIES:
        errors.extend(family(spec))
    unique = list(dict.fromkeys(errors))
    if step is None or step == "summary":
        return unique
    return [error for error in unique if step_of(error.path) == step]


def validate_input(spec: VchSpec, step: str | None = None, *, required: bool = True) -> None:
    """Raise if ``spec`` (or one wizard step of it) has input problems.

    :raise InputError: listing every problem found, each naming its field path and what is allowed.
    """
    errors = check(spec, step, required=required)
    if errors:
        raise InputError(errors)
