"""The generic walk that turns a ``vic_struct`` into extraConfig keys and back.

The Python annotation of a field decides its encoding, mirroring what VIC's Go encoder does with each kind:

- scalars (``str``, ``int``, ``bool``, ``timedelta``) — one key, always written (``""`` becomes ``<nil>``);
- ``bytes``, ``IP``, ``IPMask`` — one base64 key, left out when empty;
- ``X | None`` (a Go pointer) — nothing when None; decoded as None when none of its keys is present;
- a struct — its fields, each under its own key;
- ``list`` of scalars — ``key~`` holds the values joined by ``|``, ``key`` the last index (length − 1);
- ``list`` of structs or IPs — ``key|0``, ``key|1``, … plus ``key`` holding the last index;
- ``dict[str, X]`` — ``key|name`` per entry plus ``key`` holding the sorted names joined by ``|``.
Empty lists and dicts write nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from vic_machine.extraconfig.fields import ABSOLUTE
from vic_machine.extraconfig.fields import KEY
from vic_machine.extraconfig.fields import SCOPE
from vic_machine.extraconfig.fields import optional_inner
from vic_machine.extraconfig.fields import struct_fields
from vic_machine.extraconfig.keys import ARRAY_SEPARATOR
from vic_machine.extraconfig.keys import element_key
from vic_machine.extraconfig.keys import field_key
from vic_machine.extraconfig.keys import values_key
from vic_machine.extraconfig.scalars import BYTES_TYPES
from vic_machine.extraconfig.scalars import IP
from vic_machine.extraconfig.scalars import format_scalar
from vic_machine.extraconfig.scalars import parse_int
from vic_machine.extraconfig.scalars import parse_scalar
from vic_machine.extraconfig.scalars import to_raw

Sink = Callable[[str, str], None]
# A source answers a key with its (unescaped, unsealed) value, or None when the key is absent.
Source = Callable[[str], "str | None"]


def _is_struct(tp: Any) -> bool:
    # IP and IPMask are dataclasses too, but stored as one value.
    return isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp not in BYTES_TYPES


@functools.lru_cache(maxsize=8192)
def _field_keys(cls: type, prefix: str) -> tuple:
    """(field, annotation, key) of each field of ``cls`` stored under ``prefix``; the same for every VCH, so kept:
    listing 100 VCHs would otherwise work out the same keys 100 times."""
    out = []
    for f, tp in struct_fields(cls):
        if f.metadata[ABSOLUTE]:
            key = f.metadata[KEY] if not prefix else None
        else:
            key = field_key(prefix, f.metadata[KEY], f.metadata[SCOPE])
        if key is not None:
            out.append((f, tp, key))
    return tuple(out)


_OPTIONAL, _STRUCT, _LIST, _DICT, _SCALAR = range(5)


@functools.lru_cache(maxsize=None)
def _shape(tp: Any) -> tuple[int, Any]:
    """How an annotation is stored, and the annotation inside it (the pointer's, the list's or the dict's
    element): worked out once per annotation rather than at every field of every VCH read."""
    inner = optional_inner(tp)
    if inner is not None:
        return _OPTIONAL, inner
    if _is_struct(tp):
        return _STRUCT, None
    origin = typing.get_origin(tp)
    if origin is list:
        return _LIST, typing.get_args(tp)[0]
    if origin is dict:
        return _DICT, typing.get_args(tp)[1]
    return _SCALAR, None


def encode_value(sink: Sink, value: Any, tp: Any, key: str) -> None:
    """Write ``value`` (of annotation ``tp``) under ``key`` and the keys below it."""
    shape, inner = _shape(tp)
    if shape == _OPTIONAL:
        if value is not None:
            encode_value(sink, value, inner, key)
        return
    if shape == _STRUCT:
        for f, ftp, fkey in _field_keys(tp, key):
            encode_value(sink, getattr(value, f.name), ftp, fkey)
        return
    if shape == _LIST:
        _encode_list(sink, value, inner, key)
    elif shape == _DICT:
        _encode_dict(sink, value, inner, key)
    elif tp in BYTES_TYPES:
        if to_raw(value):
            sink(key, format_scalar(value, tp))
    else:
        sink(key, format_scalar(value, tp))


def _encode_list(sink: Sink, items: list, elem: Any, key: str) -> None:
    if not items:
        return
    if _is_struct(elem) or elem is IP:
        for index, item in enumerate(items):
            encode_value(sink, item, elem, element_key(key, index))
    else:
        sink(values_key(key), ARRAY_SEPARATOR.join(format_scalar(item, elem) for item in items))
    sink(key, str(len(items) - 1))


def _encode_dict(sink: Sink, entries: Mapping[str, Any], elem: Any, key: str) -> None:
    if not entries:
        return
    for name, item in entries.items():
        encode_value(sink, item, elem, element_key(key, name))
    sink(key, ARRAY_SEPARATOR.join(sorted(entries)))


def decode_value(source: Source, tp: Any, key: str) -> tuple[Any, bool]:
    """Read a value of annotation ``tp`` stored under ``key``; also says whether any of its keys was present."""
    shape, inner = _shape(tp)
    if shape == _OPTIONAL:
        value, found = decode_value(source, inner, key)
        return (value if found else None), found
    if shape == _STRUCT:
        values: dict[str, Any] = {}
        any_found = False
        for f, ftp, fkey in _field_keys(tp, key):
            value, found = decode_value(source, ftp, fkey)
            if found:
                values[f.name] = value
                any_found = True
        return tp(**values), any_found
    if shape == _LIST:
        return _decode_list(source, inner, key)
    if shape == _DICT:
        return _decode_dict(source, inner, key)
    raw = source(key)
    if raw is None:
        return None, False
    return parse_scalar(raw, tp), True


def _decode_list(source: Source, elem: Any, key: str) -> tuple[list, bool]:
    last = source(key)
    if not last:
        return [], last is not None
    length = parse_int(last) + 1
    if _is_struct(elem) or elem is IP:
        items = []
        for index in range(length):
            item, found = decode_value(source, elem, element_key(key, index))
            items.append(item if found else elem())
        return items, True
    joined = source(values_key(key))
    if joined is None:
        return [], True
    # VIC splits on "|" without escaping; a value holding "|" cannot round-trip there either.
    return [parse_scalar(text, elem) for text in joined.split(ARRAY_SEPARATOR)[:length]], True


def _decode_dict(source: Source, elem: Any, key: str) -> tuple[dict, bool]:
    names = source(key)
    if not names:
        return {}, names is not None
    # An entry named in the key list exists even if none of its own keys is present.
    elem = optional_inner(elem) or elem
    entries = {}
    for name in names.split(ARRAY_SEPARATOR):
        item, found = decode_value(source, elem, element_key(key, name))
        entries[name] = item if found or _is_struct(elem) else parse_scalar("", elem)
    return entries, True
