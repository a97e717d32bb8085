"""Trust a vCenter's certificate on first use, seeing both of its thumbprints."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class TrustScreen(ModalScreen[bool]):
    """Dismissed with True when the user trusts the certificate (then remembered for the host)."""

    BINDINGS = [Binding("escape", "refuse", "Do not trust")]

    def __init__(self, target: str, sha256: str, sha1: str, *, changed: bool = False) -> None:
        super().__init__()
        self.target = target
        self.sha256 = sha256
        self.sha1 = sha1
        self.changed = changed

    def compose(self) -> ComposeResult:
        with Vertical(id="trust-dialog", classes="dialog"):
            if self.changed:
                yield Label(f"The certificate of {self.target} has CHANGED", classes="dialog-title -danger")
                yield Static("It does not match the one trusted before. Someone may be intercepting the "
                             "connection; trust it only if you know why it changed.", markup=False)
            else:
                yield Label(f"{self.target} presents a certificate not trusted yet", classes="dialog-title")
                yield Static("Compare these with the thumbprints vCenter shows (vSphere Client, or the "
                             "appliance console) before trusting it.", markup=False)
            yield Label("SHA-256", classes="thumb-label")
            yield Static(self.sha256, id="sha256", classes="thumbprint", markup=False)
            yield Label("SHA-1", classes="thumb-label")
            yield Static(self.sha1, id="sha1", classes="thumbprint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Trust and remember", id="trust", variant="warning")
                yield Button("Cancel", id="refuse")

    @on(Button.Pressed, "#trust")
    def trust(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#refuse")
    def action_refuse(self) -> None:
        self.dismiss(False)
