"""Confirm deleting a VCH, and whether its volume stores go too."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from tui.screens.prompt import Prompt
from tui.widgets.tick_box import TickBox


class DeleteScreen(Prompt):
    """Dismissed with None (keep it), or with whether to delete the volume stores as well."""

    BINDINGS = [Binding("escape", "keep", "Cancel")]
    HELP_TITLE = "Delete a VCH"

    def __init__(self, name: str) -> None:
        super().__init__()
        self.vch_name = name

    def compose(self) -> ComposeResult:
        with Vertical(id="delete-dialog", classes="dialog"):
            yield Label(f"Delete VCH {self.vch_name}?", classes="dialog-title -danger")
            yield Static("Its endpoint VM, resource pool and container VMs are removed.", markup=False)
            yield TickBox("Also delete volume stores (the data in docker volumes is lost)", id="volumes")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Delete", id="delete", variant="error")
                yield Button("Cancel", id="keep")

    @on(Button.Pressed, "#delete")
    def delete(self) -> None:
        self.dismiss(self.query_one("#volumes", TickBox).value)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(None)
