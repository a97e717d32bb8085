"""A checkbox whose box is empty when off: Textual's shows X either way, only in another colour."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    """``[X]`` when on, ``[ ]`` when off, readable without colour."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button
