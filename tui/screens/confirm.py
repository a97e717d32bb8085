"""Ask before a change to a VCH: what will happen, in a few lines, and one button to go ahead."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from tui.screens.prompt import Prompt


class ConfirmScreen(Prompt):
    """Dismissed with True (go ahead) or False; ``warn`` marks an action that interrupts the VCH's users."""

    BINDINGS = [Binding("escape", "keep", "Cancel")]

    def __init__(self, title: str, text: str, action: str, *, warn: bool = False, keep: str = "Cancel") -> None:
        super().__init__()
        self.heading = title
        self.text = text
        self.action_label = action
        self.keep_label = keep
        self.warn = warn

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(self.heading, classes="dialog-title" + (" -danger" if self.warn else ""))
            with VerticalScroll(id="confirm-text"):
                yield Static(self.text, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.action_label, id="go", variant="warning" if self.warn else "primary")
                yield Button(self.keep_label, id="keep")

    @on(Button.Pressed, "#go")
    def go(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)
