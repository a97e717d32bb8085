"""The container VMs of one VCH, as the browser's Containers tab lists them."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from tui.backend import VchRow
from tui.errors import user_message
from tui.widgets.sizes import short_bytes

COLUMNS = ("Name", "State", "Image", "Port mapping", "CPU (MHz)", "Memory (MB)", "Storage")


class ContainersScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "close", "Close")]
    HELP_TITLE = "Containers of a VCH"

    def __init__(self, backend, row: VchRow) -> None:
        super().__init__()
        self.backend = backend
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="containers-dialog", classes="dialog"):
            yield Label(f"Containers of VCH {self.row.name}", classes="dialog-title")
            yield Static("Reading…", id="containers-status", markup=False)
            yield DataTable(id="containers", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        try:
            found = self.backend.containers(self.row)
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self._status, f"Cannot list the containers: {user_message(exc)}")
            return
        self.app.call_from_thread(self._show, found)

    def _status(self, text: str) -> None:
        self.query_one("#containers-status", Static).update(text)

    def _show(self, found: list) -> None:
        table = self.query_one(DataTable)
        for c in found:
            table.add_row(c.name, c.state, c.image or "—", c.ports or "—", str(c.cpu_mhz), str(c.memory_mb),
                          short_bytes(c.storage_bytes))
        count = f"{len(found)} container{'s' if len(found) != 1 else ''}"
        self._status(f"{count} · Esc closes" if found else "No containers. Esc closes.")
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
