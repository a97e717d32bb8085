"""The VCH specification: model, JSON schema, field registry, input checks, wizard and CLI renderings.

``load(json) -> VchSpec`` and ``dump(spec)`` speak vic-machine-server's (VIC 1.5) VCH JSON (``load_lenient``
ignores unknown fields, as vic-machine-server 1.5.8 does, and names them);
``fields()``/``field(path)`` give every field's label, help, limits, wizard step and CLI flags;
``check(spec, step)``/``validate_input(spec, step)`` are the input checks that need no vCenter;
``wizard_description()`` and ``to_create_flags(spec)`` render the same model for wizards and the CLI.
"""

from vic_machine.spec.checks import check
from vic_machine.spec.checks import validate_input
from vic_machine.spec.fields import FieldInfo
from vic_machine.spec.fields import field
from vic_machine.spec.fields import fields
from vic_machine.spec.flags import to_create_flags
from vic_machine.spec.meta import STEPS
from vic_machine.spec.meta import FieldMeta
from vic_machine.spec.model import DEFAULT_NAME
from vic_machine.spec.model import DEFAULT_TIMEOUT_SECONDS
from vic_machine.spec.model import VchSpec
from vic_machine.spec.schema import dump
from vic_machine.spec.schema import load
from vic_machine.spec.schema import load_lenient
from vic_machine.spec.wizard import wizard_description

__all__ = [
    "DEFAULT_NAME",
    "DEFAULT_TIMEOUT_SECONDS",
    "STEPS",
    "FieldInfo",
    "FieldMeta",
    "VchSpec",
    "check",
    "dump",
    "field",
    "fields",
    "load",
    "load_lenient",
    "to_create_flags",
    "validate_input",
    "wizard_description",
]
