"""Trust a vCenter's certificate on first use, seeing both of its thumbprints."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from tui.screens.prompt import Prompt


def fitted(thumbprint: str, width: int) -> str:
    """The thumbprint on one line of ``width`` cells: colon-separated when it fits, plain hex when not.

    A wrapped thumbprint cannot be copied in one piece; vic-machine and vic-tui take either form.
    """
    return thumbprint if len(thumbprint) <= width else thumbprint.replace(":", "")


class TrustScreen(Prompt):
    """Dismissed with True when the user trusts the certificate (then remembered for the host)."""

    BINDINGS = [Binding("escape", "refuse", "Do not trust")]
    AUTO_FOCUS = "#refuse"
    HELP_TITLE = "Trust a certificate"

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
            yield Static("", id="thumb-note", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Trust and remember", id="trust", variant="warning")
                yield Button("Do not trust", id="refuse")

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        width = self.query_one("#sha256", Static).content_region.width or 0
        shown = fitted(self.sha256, width) if width else self.sha256
        self.query_one("#sha256", Static).update(shown)
        self.query_one("#sha1", Static).update(fitted(self.sha1, width) if width else self.sha1)
        self.query_one("#thumb-note", Static).update(
            "" if shown == self.sha256 else "(SHA-256 shown without colons, to fit on one line)")

    @on(Button.Pressed, "#trust")
    def trust(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#refuse")
    def action_refuse(self) -> None:
        self.dismiss(False)
