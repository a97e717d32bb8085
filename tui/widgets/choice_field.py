"""A drop-down for a field with declared choices (share levels, key sizes, firewall levels)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select


class ChoiceField(Select):
    """One of the field's choices; starts at its default."""

    def __init__(self, desc: dict, **kwargs: Any) -> None:
        unit = f" {desc['unit']}" if desc["unit"] else ""
        options = [(f"{choice}{unit}", choice) for choice in desc["choices"]]
        default = desc["default"] if desc["default"] in desc["choices"] else Select.NULL
        super().__init__(options, value=default, allow_blank=default is Select.NULL, **kwargs)
        self.desc = desc

    def field_value(self) -> Any:
        return None if self.value is Select.NULL else self.value
