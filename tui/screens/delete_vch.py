"""Confirm deleting a VCH, and whether its volume stores go too."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Static


class DeleteScreen(ModalScreen["bool | None"]):
    """Dismissed with None (keep it), or with whether to delete the volume stores as well."""

    BINDINGS = [Binding("escape", "keep", "Cancel")]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.vch_name = name

    def compose(self) -> ComposeResult:
        with Vertical(id="delete-dialog", classes="dialog"):
            yield Label(f"Delete VCH {self.vch_name}?", classes="dialog-title -danger")
            yield Static("Its endpoint VM, resource pool and container VMs are removed.", markup=False)
            yield Checkbox("Also delete volume stores (the data in docker volumes is lost)", id="volumes")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Delete", id="delete", variant="error")
                yield Button("Cancel", id="keep")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#delete")
    def delete(self) -> None:
        self.dismiss(self.query_one("#volumes", Checkbox).value)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(None)
