"""The field registry: every field of the VCH model with its path, metadata and default.

Paths are dotted JSON paths (``network.bridge.ip_range``); fields inside list items use ``[]``
(``network.container[].alias``). Error paths carry indices (``network.container[0].alias``);
:func:`field` accepts both.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from vic_machine.spec.meta import FieldMeta
from vic_machine.spec.meta import meta_of
from vic_machine.spec.network_model import ManagedObject

_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class FieldInfo:
    """One field of the model: a leaf value, or a list of objects (``type == "object"``, ``multiple``)."""

    path: str
    name: str
    meta: FieldMeta
    default: Any
    multiple: bool
    item_class: type | None = None  # the dataclass of list items, for lists of objects

    @property
    def step(self) -> str:
        return self.meta.step

    @property
    def label(self) -> str:
        return self.meta.label


def unwrap(hint: Any) -> tuple[Any, bool]:
    """The element type of a hint and whether it is a list: ``list[X] | None`` → ``(X, True)``."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        hint = args[0] if len(args) == 1 else args
        if isinstance(hint, list):
            return tuple(hint), False
    if typing.get_origin(hint) is list:
        return typing.get_args(hint)[0], True
    return hint, False


def is_group(hint: Any) -> bool:
    """Whether a type is a nested part of the model (not a leaf value such as a managed object)."""
    return dataclasses.is_dataclass(hint) and hint is not ManagedObject


@lru_cache(maxsize=None)
def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _default_of(field: dataclasses.Field) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return field.default_factory()  # type: ignore[misc]
    return None


def _walk(cls: type, prefix: str, instance: Any, context: dict[str, str]) -> Iterator[FieldInfo]:
    for fld in dataclasses.fields(cls):
        meta = meta_of(fld)
        if meta is None:
            continue
        meta = meta.render(context)
        path = f"{prefix}{fld.name}"
        hint, multiple = unwrap(hints(cls)[fld.name])
        value = getattr(instance, fld.name) if instance is not None else _default_of(fld)
        if is_group(hint):
            inner = dict(context)
            if meta.role is not None:
                inner = {"role": meta.role, "Role": meta.role.capitalize()}
            if multiple:
                yield FieldInfo(path, fld.name, meta, [], True, hint)
                yield from _walk(hint, f"{path}[].", None, inner)
            else:
                # An unset optional group (client network, gateway) still lists its fields, with their defaults.
                yield from _walk(hint, f"{path}.", value, inner)
            continue
        yield FieldInfo(path, fld.name, meta, value, multiple)


@lru_cache(maxsize=1)
def _registry() -> dict[str, FieldInfo]:
    from vic_machine.spec.model import VchSpec

    return {info.path: info for info in _walk(VchSpec, "", VchSpec(), {})}


def fields() -> Iterator[FieldInfo]:
    """Every field of the VCH model in declaration order (leaves, and lists of objects)."""
    return iter(_registry().values())


def field(path: str) -> FieldInfo:
    """The field at ``path`` (``network.container[2].alias`` and ``network.container[].alias`` alike;
    ``registry.insecure[1]`` is ``registry.insecure``).

    :raise KeyError: no such field.
    """
    normal = _INDEX.sub("[]", path)
    registry = _registry()
    if normal not in registry and normal.endswith("[]"):
        normal = normal[:-2]  # an item of a list of values (``registry.insecure[1]``) is that list's field
    return registry[normal]


def step_of(path: str) -> str:
    """The wizard step of a field path; for a path inside a leaf (a list item), its field's step."""
    normal = _INDEX.sub("[]", path)
    registry = _registry()
    while normal:
        if normal in registry:
            return registry[normal].step
        normal = normal[:-2] if normal.endswith("[]") else normal.rpartition(".")[0]
    return ""
