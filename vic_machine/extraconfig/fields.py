"""Declaring configuration structs: dataclass fields tagged with VIC's key name and scope.

    @vic_struct
    class Cmd:
        path: str = vic("Path")
        args: list[str] = vic("Args")

``vic(key, scope)`` records the key name and scope (``None`` = no declaration, inherit the parent's); the Python
annotation decides the encoding (see ``codec.py``). ``vic_struct`` turns the class into a dataclass whose fields
default to the zero value of their type, as Go's do; secret fields are left out of ``repr``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import timedelta
from typing import Any, TypeVar

from vic_machine.extraconfig.keys import READ_ONLY, SECRET
from vic_machine.extraconfig.scalars import IP, IPMask

KEY = "vic_key"
SCOPE = "vic_scope"
# Fields stored under a fixed key of their own, outside the struct tree (``UpdateInProgress``).
ABSOLUTE = "vic_absolute"

T = TypeVar("T")

_ZERO: dict[Any, Any] = {str: "", int: 0, bool: False, bytes: b"", timedelta: timedelta(0), IP: IP(), IPMask: IPMask()}


def vic(key: str, scope: str | None = READ_ONLY, *, absolute: bool = False) -> Any:
    """A field stored under ``key`` with ``scope`` (a comma-separated list; None inherits the parent's)."""
    hidden_from_repr = scope is not None and SECRET in scope.split(",")
    return dataclasses.field(repr=not hidden_from_repr, metadata={KEY: key, SCOPE: scope, ABSOLUTE: absolute})


def optional_inner(tp: Any) -> Any | None:
    """``X`` for an annotation ``X | None`` (a Go pointer), else None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


def _set_zero_default(f: dataclasses.Field, tp: Any) -> None:
    if optional_inner(tp) is not None:
        f.default = None
    elif tp in _ZERO:
        f.default = _ZERO[tp]
    elif typing.get_origin(tp) in (list, dict):
        f.default_factory = typing.get_origin(tp)
    elif isinstance(tp, type) and dataclasses.is_dataclass(tp):
        f.default_factory = tp
    else:
        raise TypeError(f"no zero value for {tp!r}")


def vic_struct(cls: type[T]) -> type[T]:
    """Make ``cls`` a dataclass of ``vic()`` fields, each defaulting to its type's zero value."""
    hints = typing.get_type_hints(cls)
    for name in cls.__annotations__:
        f = cls.__dict__.get(name)
        if isinstance(f, dataclasses.Field) and KEY in f.metadata:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                _set_zero_default(f, hints[name])
    # One shared __eq__ and __repr__ rather than two generated and compiled per struct: they were half the
    # codec's import time, which every command that reads a VCH (``ls`` first) pays at start-up.
    own = cls.__dict__
    made = dataclasses.dataclass(cls, eq=False, repr=False)
    if "__eq__" not in own:  # a struct's own methods win, as dataclass lets them
        made.__eq__ = _struct_eq
        made.__hash__ = None  # mutable and compared by value, as a dataclass with eq
    if "__repr__" not in own:
        made.__repr__ = _struct_repr
    # The annotations are resolved now, once: the first decode would resolve them all again.
    _FIELDS[made] = _vic_fields(made, hints)
    return made


def _struct_eq(self, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return all(getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(self) if f.compare)


def _struct_repr(self) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self) if f.repr)
    return f"{self.__class__.__qualname__}({shown})"


def struct_fields(cls: type) -> list[tuple[dataclasses.Field, Any]]:
    """The ``vic()`` fields of a struct class with their resolved annotations, in declaration order."""
    cached = _FIELDS.get(cls)
    if cached is None:
        cached = _FIELDS[cls] = _vic_fields(cls, typing.get_type_hints(cls))
    return cached


def _vic_fields(cls: type, hints: dict[str, Any]) -> list[tuple[dataclasses.Field, Any]]:
    return [(f, hints[f.name]) for f in dataclasses.fields(cls) if KEY in f.metadata]


_FIELDS: dict[type, list[tuple[dataclasses.Field, Any]]] = {}
