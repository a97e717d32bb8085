"""The help of the focused field, in one place under the form: it follows the focus, and the form does not
move when the focus does."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class FieldHelp(Static):
    """``Label — help`` of what has the focus; empty when that has no help."""

    DEFAULT_CSS = """
    FieldHelp { height: 3; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.shown = ""

    def show_help(self, label: str, text: str) -> None:
        self.shown = f"{label} — {text}" if label and text else (text or label)
        line = Text()
        if label:
            line.append(label, style="bold")
            if text:
                line.append(" — ")
        line.append(text)
        self.update(line)
