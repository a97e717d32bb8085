"""A VCH's deployment log, scrollable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, TextArea


class DeployLogScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close"), Binding("q", "close", "Close", show=False)]
    HELP_TITLE = "Deployment log"

    def __init__(self, name: str, text: str) -> None:
        super().__init__()
        self.vch_name = name
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="log-dialog", classes="dialog"):
            yield Label(f"Deployment log of {self.vch_name}", classes="dialog-title")
            yield TextArea(self.text, read_only=True, id="log-text", soft_wrap=True)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
