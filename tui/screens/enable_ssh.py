"""Enable SSH on a VCH's endpoint VM and/or set its root password (``vic-machine debug``), as the browser's card
offers it. Lasts until the endpoint VM restarts."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from tui.backend import VchRow
from tui.errors import user_message
from tui.screens.prompt import Prompt
from tui.widgets.tick_box import TickBox


def public_key(text: str) -> str:
    """The key typed, or the content of the ``.pub`` file whose path was typed."""
    text = text.strip()
    if text and not text.startswith(("ssh-", "ecdsa-", "sk-")):
        path = Path(text).expanduser()
        if path.is_file():
            return path.read_text().strip()
    return text


class EnableSshScreen(Prompt):
    """The request runs here, so a refusal keeps what was typed; the password field is emptied once sent."""

    BINDINGS = [Binding("escape", "keep", "Close")]
    AUTO_FOCUS = "#key"
    HELP_TITLE = "Enable SSH"

    def __init__(self, backend, row: VchRow) -> None:
        super().__init__()
        self.backend = backend
        self.row = row
        self.result = None

    def compose(self) -> ComposeResult:
        with Vertical(id="ssh-dialog", classes="dialog"):
            yield Label(f"Enable SSH on VCH {self.row.name}", classes="dialog-title")
            yield Static("For troubleshooting its endpoint VM; lasts until the VM restarts.", markup=False)
            yield TickBox("Enable SSH", value=True, id="ssh")
            yield Label("Authorized public key for root (optional)", classes="thumb-label")
            yield Input(placeholder="ssh-ed25519 AAAA… or the path of a .pub file", id="key", compact=True)
            yield Label("New root password (optional)", classes="thumb-label")
            yield Input(password=True, id="password", compact=True)
            yield Static("", id="ssh-status", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", id="apply", variant="primary")
                yield Button("Close", id="keep")

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#apply")
    def apply(self) -> None:
        enable = self.query_one("#ssh", TickBox).value
        password = self.query_one("#password", Input).value
        if not enable and not password:
            self._status("Tick Enable SSH or type a root password: there is nothing to do otherwise (SSH "
                         "cannot be turned off on a running VCH; it ends when the endpoint VM restarts).", True)
            return
        try:
            key = public_key(self.query_one("#key", Input).value)
        except OSError as exc:
            self._status(f"Cannot read the public key file: {exc.strerror or exc}", True)
            return
        self.query_one("#password", Input).value = ""
        self.query_one("#apply", Button).disabled = True
        self._status("Asking the endpoint VM…", False)
        self.send(enable, key or None, password or None)

    @work(thread=True, exclusive=True)
    def send(self, enable: bool, key: str | None, password: str | None) -> None:
        try:
            done = self.backend.enable_ssh(self.row, enable, key, password)
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self._failed, user_message(exc))
            return
        self.app.call_from_thread(self._done, done)

    def _failed(self, message: str) -> None:
        self.query_one("#apply", Button).disabled = False
        self._status(f"Not done: {message}", True)

    def _done(self, done) -> None:
        self.result = done
        what = [w for w, on_ in (("SSH is enabled", done.ssh_enabled), ("root's authorized key is set",
                                                                         done.authorized_key),
                                 ("root's password is changed", done.root_password_set)) if on_]
        self.query_one("#apply", Button).disabled = False
        self._status(f"{self.row.name}: {', '.join(what) or 'nothing was changed'}.", False)
        self.query_one("#keep", Button).focus()

    def _status(self, text: str, error: bool) -> None:
        status = self.query_one("#ssh-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(self.result)
