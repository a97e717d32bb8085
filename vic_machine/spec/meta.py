"""What a field of the VCH model carries besides its value: label, help, limits, wizard step, CLI flags.

The model's dataclasses declare each field with :func:`attr`, so the metadata sits beside the field and its
default; :mod:`vic_machine.spec.fields` walks them to give the registry every front end reads.
Text may hold ``{role}``/``{Role}`` placeholders, filled in by the walk for the public, client and
management networks, which share one dataclass.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

# Wizard steps in the order the wizard shows them, with their titles.
STEPS: tuple[tuple[str, str], ...] = (
    ("general", "General"),
    ("compute", "Compute capacity"),
    ("storage", "Storage capacity"),
    ("networks", "Networks"),
    ("security", "Security"),
    ("registry", "Registry access"),
    ("operations", "Operations user"),
    ("summary", "Summary"),
)
STEP_IDS = tuple(step for step, _ in STEPS)

META_KEY = "vic"


@dataclass(frozen=True)
class FieldMeta:
    """Everything a front end needs to show, ask for and check one field.

    ``type`` is the kind of value a front end asks for: string, integer, boolean, cidr, ip, ip_range,
    url, quantity (a whole number of ``unit``), shares, managed_object, pem, object (a list item group).
    ``json_units`` are the units written in JSON for quantities, largest first.
    """

    label: str
    help: str = ""
    step: str = ""
    type: str = "string"
    flags: tuple[str, ...] = ()
    required: bool = False
    secret: bool = False
    readonly: bool = False
    choices: tuple[Any, ...] = ()
    min: int | None = None
    max: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_help: str = ""
    unit: str | None = None
    json_units: tuple[str, ...] = ()
    zero_unset: bool = False  # a quantity whose value 0 in JSON means "not set" (unlimited), as VIC 1.5.8 reads it
    role: str | None = None  # set on the public/client/management groups, fills {role} in their fields

    def render(self, context: dict[str, str]) -> FieldMeta:
        """This metadata with ``{role}`` placeholders filled from ``context``."""
        if not context:
            return self
        return dataclasses.replace(
            self,
            label=self.label.format_map(context),
            help=self.help.format_map(context),
            flags=tuple(flag.format_map(context) for flag in self.flags),
        )


def attr(label: str, help: str = "", *, default: Any = None, factory: Any = None, **meta: Any) -> Any:
    """Declare a model field with its default and metadata (a ``dataclasses.field``)."""
    if "flags" in meta and isinstance(meta["flags"], str):
        meta["flags"] = (meta["flags"],)
    if "choices" in meta:
        meta["choices"] = tuple(meta["choices"])
    info = FieldMeta(label=label, help=help, **meta)
    if info.step and info.step not in STEP_IDS:
        raise ValueError(f"unknown wizard step {info.step!r}")
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata={META_KEY: info})
    return dataclasses.field(default=default, metadata={META_KEY: info})


def meta_of(field: dataclasses.Field) -> FieldMeta | None:
    """The metadata declared on a dataclass field, if any."""
    return field.metadata.get(META_KEY)
