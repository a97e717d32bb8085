"""The base of every question the terminal asks: the safe choice has the focus, and Tab does not wrap.

Each prompt puts its safe choice (Cancel, Keep, Do not trust) last and focuses it, so Enter, and Tab then Enter,
keep everything as it is; a destructive choice is reached only by going back to it on purpose (Shift-Tab or a
click), never by wrapping around.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.screen import ModalScreen
from textual.widget import Widget


class Prompt(ModalScreen[Any]):
    """``AUTO_FOCUS`` names the safe choice; subclasses keep it the last focusable widget."""

    AUTO_FOCUS: ClassVar[str | None] = "#keep"
    HELP_TITLE = "Question"

    def focus_next(self, selector: Any = "*") -> Widget | None:
        chain = self.focus_chain
        if chain and self.focused is chain[-1]:
            return self.focused
        return super().focus_next(selector)

    def focus_previous(self, selector: Any = "*") -> Widget | None:
        chain = self.focus_chain
        if chain and self.focused is chain[0]:
            return self.focused
        return super().focus_previous(selector)
