"""The first screen once connected: the datacenters the user sees."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from vic_machine.errors import VicError
from vic_machine.target import Target
from vic_machine.vsphere.datacenter import list_datacenters
from vic_machine.vsphere.session import Session, connect


class HomeScreen(Screen):
    BINDINGS = [("r", "refresh", "Refresh"), ("q", "app.quit", "Quit")]

    def __init__(self, target: Target, force: bool = False) -> None:
        super().__init__()
        self.target = target
        self.force = force
        self.session: Session | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Connecting to {self.target.display}…", id="status")
        yield DataTable(id="datacenters", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Datacenter")
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        try:
            if self.session is None:
                self.session = connect(self.target, force=self.force)
            names = sorted(list_datacenters(self.session))
        except VicError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, names)

    def _failed(self, message: str) -> None:
        self.query_one("#status", Static).update(f"[b red]Cannot connect[/]: {message}")
        self.notify(message, severity="error", timeout=10)

    def _show(self, names: list[str]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for name in names:
            table.add_row(name)
        user = self.session.user if self.session else ""
        self.query_one("#status", Static).update(
            f"Connected to {self.target.display} as {user}: {len(names)} datacenter(s)")

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.logout()
