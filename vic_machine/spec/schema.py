"""Marshmallow schemas of the VCH model, built from the dataclasses so names and types live in one place.

``load`` reads vic-machine-server's JSON into a :class:`VchSpec`; ``dump`` writes it back, leaving out
unset values and, unless asked, the secrets (operations password, server private key).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import types
import typing
from functools import lru_cache
from typing import Any

from marshmallow import RAISE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields as ma
from marshmallow import post_dump
from marshmallow import post_load
from marshmallow import validates_schema

from vic_machine.errors import FieldError
from vic_machine.errors import InputError
from vic_machine.spec.fields import fields
from vic_machine.spec.fields import hints
from vic_machine.spec.fields import is_group
from vic_machine.spec.fields import unwrap
from vic_machine.spec.meta import FieldMeta
from vic_machine.spec.meta import meta_of
from vic_machine.spec.model import VchSpec
from vic_machine.spec.network_model import ContainerNetwork
from vic_machine.spec.network_model import Gateway
from vic_machine.spec.network_model import ManagedObject
from vic_machine.spec.units import UnitError
from vic_machine.spec.units import to_canonical
from vic_machine.spec.units import to_json


class Quantity(ma.Field):
    """``{"value": 2, "units": "GiB"}`` in JSON, a whole number of the field's canonical unit in Python."""

    def __init__(self, unit: str, json_units: tuple[str, ...], zero_unset: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unit = unit
        self.json_units = json_units
        self.zero_unset = zero_unset

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        # Always the canonical unit, so front ends read MiB for memory and MHz for CPU without converting.
        return None if value is None else to_json(value, self.unit)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int | None:
        if not isinstance(value, dict) or set(value) - {"value", "units"} or "value" not in value:
            raise ValidationError(f'must be {{"value": <integer>, "units": "{self.unit}"}}')
        amount = value["value"]
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise ValidationError("value must be an integer")
        if amount == 0 and self.zero_unset:
            return None  # VIC 1.5.8 reads a limit of 0 as unlimited (vic-ui's "Unlimited" sends 0)
        units = value.get("units") or self.unit
        if not isinstance(units, str):
            raise ValidationError("units must be a string")
        try:
            return to_canonical(amount, units, self.unit)
        except UnitError as exc:
            raise ValidationError(str(exc)) from None


class Shares(ma.Field):
    """``{"level": "normal"}`` or ``{"number": 4000}`` in JSON, ``"normal"`` or ``4000`` in Python."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return {"number": value} if isinstance(value, int) else {"level": value}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | int:
        if not isinstance(value, dict) or len(value) != 1 or not set(value) <= {"level", "number"}:
            raise ValidationError('must be {"level": "low|normal|high"} or {"number": <integer>}')
        if "number" in value:
            if not isinstance(value["number"], int) or isinstance(value["number"], bool):
                raise ValidationError("number must be an integer")
            return value["number"]
        if not isinstance(value["level"], str):
            raise ValidationError("level must be low, normal or high")
        return value["level"]


class Pem(ma.Field):
    """``{"pem": "-----BEGIN ..."}`` in JSON, the PEM text in Python."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else {"pem": value}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, dict) or set(value) != {"pem"} or not isinstance(value["pem"], str):
            raise ValidationError('must be {"pem": "<PEM text>"}')
        return value["pem"]


def _container_gateway(data: dict) -> dict:
    """A container network's gateway as VIC 1.5.8 takes it: the address from ``address`` and the mask from the one
    routing destination (vic-ui 1.5.8 sends ``{"address": "10.30.0.1", "routing_destinations": ["10.30.0.1/24"]}``),
    kept as the model holds it, ``address/prefix``. Anything else (several destinations, an address outside the
    destination, which 1.5.8 would silently move into another subnet) is left for the checks to name."""
    gateway = data.get("gateway")
    if gateway is None or not gateway.address or "/" in gateway.address or len(gateway.routing_destinations) != 1:
        return data
    try:
        subnet = ipaddress.IPv4Network(gateway.routing_destinations[0], strict=False)
        inside = ipaddress.IPv4Address(gateway.address) in subnet
    except ValueError:
        return data
    if not inside:
        return data
    return {**data, "gateway": Gateway(address=f"{gateway.address}/{subnet.prefixlen}", routing_destinations=[])}


# Per-class adjustments of what was read, before the dataclass is built.
_NORMALIZE = {ContainerNetwork: _container_gateway}


class ModelSchema(Schema):
    """Base of the generated schemas: refuse unknown keys, build the dataclass, drop unset values."""

    model: type = object

    class Meta:
        unknown = RAISE

    @post_load
    def _build(self, data: dict, **kwargs: Any) -> Any:
        normalize = _NORMALIZE.get(self.model)
        return self.model(**(normalize(data) if normalize else data))

    @post_dump
    def _drop_unset(self, data: dict, **kwargs: Any) -> dict:
        return {key: value for key, value in data.items() if value is not None and value != [] and value != {}}


class ManagedObjectSchema(ModelSchema):
    model = ManagedObject
    id = ma.String(allow_none=True)
    name = ma.String(allow_none=True)

    @validates_schema
    def _one_of(self, data: dict, **kwargs: Any) -> None:
        if not data.get("id") and not data.get("name"):
            raise ValidationError('give the object\'s "id" or "name"')


def _leaf(hint: Any, meta: FieldMeta | None, nullable: bool) -> ma.Field:
    kind = meta.type if meta else ""
    if kind == "quantity" and meta is not None:
        return Quantity(meta.unit or "", meta.json_units, zero_unset=meta.zero_unset, allow_none=nullable)
    if kind == "shares":
        return Shares(allow_none=nullable)
    if kind == "pem":
        return Pem(allow_none=nullable)
    if hint is ManagedObject:
        return ma.Nested(ManagedObjectSchema, allow_none=nullable)
    if hint is bool:
        return ma.Boolean(allow_none=nullable, truthy={True}, falsy={False})
    if hint is int:
        return ma.Integer(strict=True, allow_none=nullable)
    return ma.String(allow_none=nullable)


NULL_REFUSED = "must not be null: give a value, or leave the field out for its default"


def _nullable(hint: Any) -> bool:
    """Whether the model's type admits None (``X | None``): only then is a JSON null a value, else it is refused
    (a null where an object, list or number belongs would otherwise reach the core as None)."""
    return (isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union) and \
        type(None) in typing.get_args(hint)


@lru_cache(maxsize=None)
def schema_class(cls: type) -> type[ModelSchema]:
    """The marshmallow schema of one dataclass of the model."""
    attrs: dict[str, Any] = {"model": cls}
    for fld in dataclasses.fields(cls):
        raw = hints(cls)[fld.name]
        hint, multiple = unwrap(raw)
        meta = meta_of(fld)
        # A list's items are never null; the field itself only when its type says so.
        nullable = _nullable(raw) and not multiple
        if is_group(hint):
            inner: ma.Field = ma.Nested(schema_class(hint), allow_none=nullable)
        else:
            inner = _leaf(hint, meta, nullable)
        attrs[fld.name] = ma.List(inner, allow_none=_nullable(raw)) if multiple else inner
        for f in (attrs[fld.name], inner):
            f.error_messages["null"] = NULL_REFUSED
    return type(f"{cls.__name__}Schema", (ModelSchema,), attrs)


def _flatten(messages: Any, prefix: str = "") -> list[FieldError]:
    out: list[FieldError] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            out.extend(_flatten(value, path))
    elif isinstance(messages, list):
        for message in messages:
            out.extend(_flatten(message, prefix))
    else:
        text = str(messages)
        if text == "Unknown field.":
            text = "is not a field of the VCH model"
        out.append(FieldError(prefix, text))
    return out


def load(data: Any) -> VchSpec:
    """Read vic-machine-server VCH JSON (a decoded dict, or the JSON text) into a :class:`VchSpec`.

    Shape and types only; :func:`vic_machine.spec.checks.validate_input` checks the values.

    :raise InputError: listing every field that is not of the model's shape, by path.
    """
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise InputError(FieldError("", f"is not valid JSON: {exc}")) from None
    if not isinstance(data, dict):
        raise InputError(FieldError("", "the VCH must be a JSON object"))
    try:
        return schema_class(VchSpec)().load(data)
    except ValidationError as exc:
        raise InputError(_flatten(exc.messages)) from None


def split_unknown(data: dict, cls: type = VchSpec, prefix: str = "") -> tuple[dict, list[str]]:
    """``data`` without the keys the model does not have, and the paths of those keys.

    vic-machine-server 1.5.8 ignores fields it does not know; :func:`load_lenient` does the same and says which.
    Only objects of the model are looked into; values (quantities, PEM, managed objects) keep their own checks.
    """
    known: dict = {}
    unknown: list[str] = []
    fields_of = {f.name: f for f in dataclasses.fields(cls)}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if key not in fields_of:
            unknown.append(path)
            continue
        hint, multiple = unwrap(hints(cls)[key])
        if not is_group(hint):
            known[key] = value
        elif multiple and isinstance(value, list):
            items = []
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    item, more = split_unknown(item, hint, f"{path}[{index}]")
                    unknown += more
                items.append(item)
            known[key] = items
        elif not multiple and isinstance(value, dict):
            known[key], more = split_unknown(value, hint, path)
            unknown += more
        else:
            known[key] = value
    return known, unknown


def load_lenient(data: Any) -> tuple[VchSpec, list[str]]:
    """:func:`load`, ignoring fields the model does not have (as vic-machine-server 1.5.8 does); also returns
    their paths, so the answer can say what was ignored.

    :raise InputError: as :func:`load`, for every known field that is not of the model's shape.
    """
    if isinstance(data, dict):
        data, unknown = split_unknown(data)
        return load(data), unknown
    return load(data), []


def _remove(data: Any, parts: list[str]) -> None:
    if not parts or data is None:
        return
    head, rest = parts[0], parts[1:]
    many = head.endswith("[]")
    key = head[:-2] if many else head
    if not isinstance(data, dict) or key not in data:
        return
    if not rest:
        del data[key]
    elif many:
        for item in data[key]:
            _remove(item, rest)
    else:
        _remove(data[key], rest)
        if data[key] == {}:
            del data[key]


def dump(spec: VchSpec, include_secrets: bool = False) -> dict:
    """Write a :class:`VchSpec` as vic-machine-server VCH JSON (a dict ready for ``json.dumps``).

    :param include_secrets: keep the operations password and the server private key; only for
        handing the spec to the code that creates the VCH, never for a response or a log.
    """
    data = schema_class(VchSpec)().dump(spec)
    if not include_secrets:
        for info in fields():
            if info.meta.secret:
                _remove(data, info.path.split("."))
    return data
