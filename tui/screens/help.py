"""``?`` (or F1): every key of the screen underneath, what it does, and whether it can be used right now."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

GENERAL = [
    ("tab / shift+tab", "Next / previous field or button"),
    ("enter", "Press the focused button, open a dropdown, choose in a list or tree"),
    ("space", "Tick or untick the focused checkbox"),
    ("up / down", "Move in a list, table, tree or open dropdown"),
]


def _available(screen: Screen, node: Any, action: str) -> bool:
    """Whether the action can run now (``check_action`` does not say False)."""
    target = node
    if action.startswith("app."):
        target, action = screen.app, action[4:]
    elif action.startswith("screen."):
        target, action = screen, action[7:]
    name = action.split("(", 1)[0]
    return target.check_action(name, ()) is not False


# Textual's own screen keys: Tab and Shift-Tab are under "Everywhere", and copying a selection needs a mouse.
_BUILT_IN = {"app.focus_next", "app.focus_previous", "screen.copy_text"}


def keys_of(screen: Screen) -> list[tuple[str, str, bool]]:
    """Key, description and availability of every described binding of ``screen`` and of the app, in order;
    keys bound to the same action are listed together (``? / f1``)."""
    app = screen.app
    grouped: dict[tuple[str, str], tuple[list[str], bool]] = {}
    for node in (screen, app):
        for _key, binding in node._bindings:
            if not binding.description or binding.system or binding.action in _BUILT_IN:
                continue
            action = binding.action if "." in binding.action or node is screen else f"app.{binding.action}"
            group = (action.removeprefix("app."), binding.description)
            keys, available = grouped.get(group, ([], _available(screen, node, binding.action)))
            display = app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
            grouped[group] = (keys, available)
    return [(" / ".join(keys), description, available) for (_, description), (keys, available) in grouped.items()]


def help_text(rows: list[tuple[str, str, bool]], extra: list[tuple[str, str]]) -> str:
    """The help as aligned lines: the screen's keys, then the keys of its widgets and of every screen."""
    width = max((len(key) for key, *_ in rows + [(k, d, True) for k, d in extra + GENERAL]), default=0)
    lines = [f"{key.rjust(width)}  {text}{'' if available else '  (not now)'}" for key, text, available in rows]
    lines += [f"{key.rjust(width)}  {text}" for key, text in extra]
    lines += ["", "Everywhere:"] + [f"{key.rjust(width)}  {text}" for key, text in GENERAL]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """Built from the screen's bindings when opened, so it lists exactly what that screen offers."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]
    HELP_TITLE = "Help"

    def __init__(self, title: str, rows: list[tuple[str, str, bool]], extra: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows
        self.extra = extra

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label(f"Keys: {self.title_text}", classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                yield Static(help_text(self.rows, self.extra), id="help-text", markup=False)
            yield Static("Esc, q or ? closes this help.", classes="dialog-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
