"""Ask where to save a VCH's client certificates."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from tui.screens.prompt import Prompt


class SaveCertsScreen(Prompt):
    """Dismissed with the directory typed, or None. The folder is focused: Enter saves there."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#directory"
    HELP_TITLE = "Save the client certificates"

    def __init__(self, name: str, default_dir: str) -> None:
        super().__init__()
        self.vch_name = name
        self.default_dir = default_dir

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog", classes="dialog"):
            yield Label(f"Save the client certificates of {self.vch_name}", classes="dialog-title")
            yield Static("ca.pem, cert.pem, key.pem and the .env file for DOCKER_* variables, into this folder:",
                         markup=False)
            yield Input(value=self.default_dir, id="directory", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="keep")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        directory = self.query_one(Input).value.strip()
        if directory:
            self.dismiss(directory)

    @on(Button.Pressed, "#keep")
    def action_cancel(self) -> None:
        self.dismiss(None)
