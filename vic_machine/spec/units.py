"""Quantities as the VCH model writes them: ``{"value": 2, "units": "GiB"}``.

The model keeps every quantity as a whole number in one canonical unit per field (MiB for memory, MHz
for CPU, bytes for disk sizes, bits for key sizes); these helpers convert between that number and the
``{value, units}`` pairs of vic-machine-server's JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

BYTES = "bytes"
HERTZ = "hertz"
BITS = "bits"

# IEC units are powers of 1024, SI units powers of 1000, as their names say; vic-machine-server's
# swagger uses the IEC family for memory and the SI family for the base image size.
_BYTE_UNITS = {
    "B": 1,
    "KiB": 1024,
    "MiB": 1024**2,
    "GiB": 1024**3,
    "TiB": 1024**4,
    "PiB": 1024**5,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "TB": 1000**4,
    "PB": 1000**5,
}
_HERTZ_UNITS = {"Hz": 1, "KHz": 1000, "MHz": 1000**2, "GHz": 1000**3}
_BIT_UNITS = {"bit": 1}

FACTORS: dict[str, dict[str, int]] = {BYTES: _BYTE_UNITS, HERTZ: _HERTZ_UNITS, BITS: _BIT_UNITS}

# The units each family is written in when we produce JSON, largest first.
BINARY_BYTES = ("PiB", "TiB", "GiB", "MiB", "KiB", "B")
METRIC_BYTES = ("PB", "TB", "GB", "MB", "KB", "B")
HERTZ_UNITS = ("GHz", "MHz", "KHz", "Hz")


@dataclass(frozen=True)
class UnitError(ValueError):
    """A quantity that cannot be read; ``message`` says what is allowed."""

    message: str

    def __str__(self) -> str:
        return self.message


def family_of(unit: str) -> str:
    """The family (bytes, hertz, bits) a canonical unit belongs to."""
    for family, table in FACTORS.items():
        if unit in table:
            return family
    raise KeyError(unit)


def _lookup(units: str, family: str) -> int:
    table = FACTORS[family]
    if units in table:
        return table[units]
    # Accept any letter case ("mib", "mhz") as long as it is not ambiguous: KB and KiB differ.
    folded = {name.lower(): factor for name, factor in table.items()}
    if units.lower() in folded:
        return folded[units.lower()]
    raise UnitError(f"unknown units {units!r}; allowed: {', '.join(table)}")


def to_canonical(value: int, units: str, canonical: str) -> int:
    """Convert ``value`` ``units`` to a whole number of ``canonical`` units.

    :raise UnitError: unknown units, or a value that is not a whole number of the canonical unit.
    """
    family = family_of(canonical)
    amount = value * _lookup(units, family)
    base = FACTORS[family][canonical]
    if amount % base:
        raise UnitError(f"{value} {units} is not a whole number of {canonical}")
    return amount // base


def to_json(amount: int, canonical: str, allowed: tuple[str, ...] | None = None) -> dict:
    """Write ``amount`` canonical units as ``{value, units}`` in the largest allowed unit that is exact."""
    family = family_of(canonical)
    table = FACTORS[family]
    base = amount * table[canonical]
    for units in allowed or (canonical,):
        factor = table[units]
        if base % factor == 0 and (base or units == canonical):
            return {"value": base // factor, "units": units}
    return {"value": amount, "units": canonical}


def human(amount: int, canonical: str) -> str:
    """A short text for messages and flags: ``2048 MiB``, ``8 GiB``, ``2400 MHz``."""
    if canonical == "B":
        pair = to_json(amount, canonical, BINARY_BYTES)
        return f"{pair['value']} {pair['units']}"
    return f"{amount} {canonical}"
