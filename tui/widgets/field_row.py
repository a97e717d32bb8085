"""One field of a wizard step: its label, its editor, and the problems found with it.

The field's help is not here: the wizard shows the help of the focused field in one place (``FieldHelp``).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, Tree


class FieldRow(Vertical):
    """Label and editor side by side (one above the other for wide editors: the compute tree); below, what is
    wrong (errors, then warnings). A message goes as soon as the field is edited to another value.

    The editor is any widget with a ``field_value()`` method that returns the model value or raises
    ``ValueError`` with a message for the user.
    """

    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow > Horizontal { height: auto; }
    FieldRow .field-label { width: 30; padding-right: 1; }
    FieldRow .field-editor { width: 1fr; }
    FieldRow.-wide > Horizontal { layout: vertical; }
    FieldRow.-wide .field-label { width: 1fr; }
    FieldRow .field-message { display: none; padding-left: 30; }
    FieldRow.-wide .field-message { padding-left: 0; }
    FieldRow.-error .field-message { display: block; color: $error; text-style: bold; }
    FieldRow.-warning .field-message { display: block; color: $warning; }
    FieldRow.-focused .field-label { text-style: bold; color: $accent; }
    """

    def __init__(self, desc: dict, editor: Widget, path: str | None = None) -> None:
        super().__init__(classes="field-row")
        self.desc = desc
        self.path = path or desc["path"]
        self.editor = editor
        self._shown_for: Any = None
        editor.add_class("field-editor")
        self.set_class(bool(getattr(editor, "WIDE", False)), "-wide")

    @property
    def help(self) -> str:
        hint = getattr(self.editor, "HINT", "")
        return " ".join(part for part in (self.desc.get("help") or "", hint) if part)

    @property
    def label(self) -> str:
        return self.desc["label"]

    def compose(self) -> ComposeResult:
        mark = " *" if self.desc["required"] else ""
        # Byte sizes take their unit typed with them ("8 GB"); other quantities are in the unit shown.
        # (A dropdown's choices carry their unit.)
        unit = (self.desc["unit"] if self.desc["type"] == "quantity" and self.desc["unit"] != "B"
                and not self.desc["choices"] else "")
        with Horizontal():
            yield Label(f"{self.desc['label']}{f' ({unit})' if unit else ''}{mark}", classes="field-label")
            yield self.editor
        yield Static("", classes="field-message", markup=False)

    def value(self) -> Any:
        """The model value; a ``ValueError`` is also shown beside the field."""
        try:
            return self.editor.field_value()
        except ValueError as exc:
            self.show([str(exc)], [])
            raise

    def _sentence(self, text: str) -> str:
        # Input checks speak of the field ("is required", "must be host[:port]"): name it, it reads as a sentence.
        return f"{self.desc['label']} {text}" if text[:1].islower() else text

    def _current(self) -> Any:
        try:
            return ("value", self.editor.field_value())
        except ValueError:
            return ("unreadable", getattr(self.editor, "value", None))

    def show(self, errors: list[str], warnings: list[str]) -> None:
        """Show problems beside the field (none clears it)."""
        self.set_class(bool(errors), "-error")
        self.set_class(bool(warnings) and not errors, "-warning")
        lines = [f"✗ {self._sentence(text)}" for text in errors] + [f"! {self._sentence(text)}" for text in warnings]
        self.query_one(".field-message", Static).update("\n".join(lines))
        self._shown_for = self._current() if lines else None

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(Tree.NodeSelected)
    def _edited(self) -> None:
        # What was said about the old value no longer holds; the next check speaks about the new one.
        if self._shown_for is not None and self._current() != self._shown_for:
            self.show([], [])

    @property
    def has_error(self) -> bool:
        return self.has_class("-error")
