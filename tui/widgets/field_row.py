"""One field of a wizard step: its label, its editor, its help, and the problems found with it."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static


class FieldRow(Vertical):
    """Label and editor side by side; below, what is wrong (errors, then warnings) and the field's help.

    The editor is any widget with a ``field_value()`` method that returns the model value or raises
    ``ValueError`` with a message for the user.
    """

    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow > Horizontal { height: auto; }
    FieldRow .field-label { width: 30; padding-right: 1; }
    FieldRow .field-editor { width: 1fr; }
    FieldRow .field-message { display: none; padding-left: 30; }
    FieldRow.-error .field-message { display: block; color: $error; text-style: bold; }
    FieldRow.-warning .field-message { display: block; color: $warning; }
    FieldRow .field-help { display: none; padding-left: 30; color: $text-muted; }
    FieldRow:focus-within .field-help { display: block; }
    """

    def __init__(self, desc: dict, editor: Widget, path: str | None = None) -> None:
        super().__init__(classes="field-row")
        self.desc = desc
        self.path = path or desc["path"]
        self.editor = editor
        editor.add_class("field-editor")

    def compose(self) -> ComposeResult:
        mark = " *" if self.desc["required"] else ""
        unit = f" ({self.desc['unit']})" if self.desc["unit"] and self.desc["type"] == "quantity" else ""
        with Horizontal():
            yield Label(f"{self.desc['label']}{unit}{mark}", classes="field-label")
            yield self.editor
        yield Static("", classes="field-message", markup=False)
        if self.desc["help"]:
            yield Static(self.desc["help"], classes="field-help", markup=False)

    def value(self) -> Any:
        """The model value; a ``ValueError`` is also shown beside the field."""
        try:
            return self.editor.field_value()
        except ValueError as exc:
            self.show([str(exc)], [])
            raise

    def show(self, errors: list[str], warnings: list[str]) -> None:
        """Show problems beside the field (none clears it)."""
        self.set_class(bool(errors), "-error")
        self.set_class(bool(warnings) and not errors, "-warning")
        lines = [f"✗ {text}" for text in errors] + [f"! {text}" for text in warnings]
        self.query_one(".field-message", Static).update("\n".join(lines))

    @property
    def has_error(self) -> bool:
        return self.has_class("-error")
