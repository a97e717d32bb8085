"""Enter on a VCH: everything that can be done with it, each with its key, as the browser's row actions."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class ActionsScreen(ModalScreen["str | None"]):
    """Dismissed with the action chosen (``configure``, ``delete``…) or None; the first, harmless, is highlighted."""

    BINDINGS = [Binding("escape", "close", "Close")]
    HELP_TITLE = "Actions of a VCH"

    def __init__(self, name: str, actions: list[tuple[str, str, str]]) -> None:
        """``actions``: action name, key, label."""
        super().__init__()
        self.vch_name = name
        self.actions = actions

    def compose(self) -> ComposeResult:
        width = max(len(key) for _, key, _ in self.actions)
        with Vertical(id="actions-dialog", classes="dialog"):
            yield Label(f"VCH {self.vch_name}", classes="dialog-title")
            yield OptionList(*[Option(f"{key.rjust(width)}  {label}", id=action)
                               for action, key, label in self.actions], id="actions")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
