"""A checkbox for a boolean field of the wizard description."""

from __future__ import annotations

from typing import Any

from tui.widgets.tick_box import TickBox


class BoolField(TickBox):
    """On or off; the field's label is on the row, so the box itself only says yes."""

    def __init__(self, desc: dict, **kwargs: Any) -> None:
        super().__init__("", value=bool(desc["default"]), **kwargs)
        self.desc = desc

    def field_value(self) -> bool:
        return self.value
