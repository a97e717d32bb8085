"""Ask before a change to a VCH: what will happen, in a few lines, and one button to go ahead."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True (go ahead) or False; ``warn`` marks an action that interrupts the VCH's users."""

    BINDINGS = [Binding("escape", "keep", "Cancel")]

    def __init__(self, title: str, text: str, action: str, *, warn: bool = False) -> None:
        super().__init__()
        self.heading = title
        self.text = text
        self.action_label = action
        self.warn = warn

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(self.heading, classes="dialog-title" + (" -danger" if self.warn else ""))
            with VerticalScroll(id="confirm-text"):
                yield Static(self.text, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.action_label, id="go", variant="warning" if self.warn else "primary")
                yield Button("Cancel", id="keep")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#go")
    def go(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)
