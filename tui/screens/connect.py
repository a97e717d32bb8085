"""The first screen: which vCenter or ESXi host, as whom; trusts its certificate once, like ssh."""

from __future__ import annotations

import os

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from vic_machine.errors import InputError, UntrustedCertificate
from vic_machine.target import Target, parse_target

from tui.known_hosts import KnownHosts
from tui.screens.trust import TrustScreen


class ConnectScreen(Screen):
    """Fields start from the command line and the VIC_MACHINE_* environment; Connect logs in in a worker."""

    TYPING = True  # text fields: "?" is typed, F1 opens the help
    HELP_TITLE = "Connect to vCenter or an ESXi host"

    def __init__(self, target: Target | None, known_hosts: KnownHosts, *, auto: bool = False) -> None:
        super().__init__()
        self.initial = target
        self.known_hosts = known_hosts
        self.auto = auto

    def compose(self) -> ComposeResult:
        t = self.initial
        env = os.environ
        target_text = ""
        if t is not None:
            target_text = f"{t.host}:{t.port}" if t.port != 443 else t.host
            target_text += f"/{t.datacenter}" if t.datacenter else ""
        else:
            target_text = env.get("VIC_MACHINE_TARGET", "")
        with Vertical(id="connect-form"):
            yield Label("Connect to vCenter or an ESXi host", classes="dialog-title")
            for label, field_id, value, secret in (
                ("Target", "target", target_text, False),
                ("User", "user", t.user if t else env.get("VIC_MACHINE_USER", ""), False),
                ("Password", "password", t.password if t else env.get("VIC_MACHINE_PASSWORD", ""), True),
                ("Thumbprint", "thumbprint", t.thumbprint if t else env.get("VIC_MACHINE_THUMBPRINT", ""), False),
            ):
                with Horizontal(classes="connect-row"):
                    yield Label(label, classes="connect-label")
                    yield Input(value=value, id=field_id, password=secret, compact=True,
                                placeholder="host[:port][/datacenter]" if field_id == "target" else
                                ("SHA-256 or SHA-1; empty to be asked" if field_id == "thumbprint" else ""))
            yield Static("", id="connect-status", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Connect", id="connect", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        if self.auto:
            self.action_connect()
        else:
            self.query_one("#target", Input).focus()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def target(self) -> Target:
        """The target from the fields; a thumbprint remembered for the host fills an empty one."""
        target = parse_target(self._value("target"), user=self._value("user"),
                              password=self.query_one("#password", Input).value,
                              thumbprint=self._value("thumbprint"), env={})
        if not target.thumbprint:
            known = self.known_hosts.lookup(target.host, target.port)
            if known:
                target = parse_target(self._value("target"), user=target.user, password=target.password,
                                      thumbprint=known, env={})
        return target

    @on(Input.Submitted)
    @on(Button.Pressed, "#connect")
    def action_connect(self) -> None:
        try:
            target = self.target()
        except InputError as exc:
            self._status(str(exc))
            self.notify(str(exc), severity="error")
            return
        self._status(f"Connecting to {target.display}…")
        self.query_one("#connect", Button).disabled = True
        self.connect(target)

    @work(thread=True, exclusive=True)
    def connect(self, target: Target) -> None:
        try:
            backend = self.app.open_backend(target)
        except UntrustedCertificate as exc:
            self.app.call_from_thread(self._ask_trust, target, exc)
            return
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self._failed, str(exc))
            return
        try:
            # Read the list in the same worker: the first screen shows data as soon as it appears.
            rows = backend.list_vchs()
        except Exception:  # noqa: BLE001 - the list screen loads again and shows the error itself
            rows = None
        self.app.call_from_thread(self.app.connected, backend, rows)

    def _status(self, text: str) -> None:
        self.query_one("#connect-status", Static).update(text)

    def _failed(self, message: str) -> None:
        self.query_one("#connect", Button).disabled = False
        self._status(f"Cannot connect: {message}")
        self.notify(message, severity="error", timeout=10)

    def _ask_trust(self, target: Target, exc: UntrustedCertificate) -> None:
        self.query_one("#connect", Button).disabled = False
        # A thumbprint was given (typed or remembered) and the certificate is not that one.
        changed = bool(target.thumbprint)

        def answered(trusted: bool | None) -> None:
            if not trusted:
                self._status("Certificate not trusted: not connected.")
                return
            self.known_hosts.remember(target.host, target.port, exc.sha256)
            self.query_one("#thumbprint", Input).value = exc.sha256
            self.action_connect()

        self.app.push_screen(TrustScreen(target.display, exc.sha256, exc.sha1, changed=changed), answered)
