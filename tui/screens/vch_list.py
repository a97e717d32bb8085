"""The VCHs of the datacenter, the details of the highlighted one, and what can be done with it."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from vic_machine.errors import VicError
from vic_machine.spec import wizard_description

from tui.backend import VchRow
from tui.errors import user_message
from tui.natural import natural_key
from tui.screens.delete_vch import DeleteScreen
from tui.screens.deploy_log import DeployLogScreen
from tui.screens.save_certs import SaveCertsScreen
from tui.screens.vch_lifecycle import VchLifecycleActions
from tui.widgets.vch_details import VchDetails

COLUMNS = (("Name", "name"), ("Status", "status"), ("Docker endpoint", "docker_endpoint"),
           ("Version", "version"), ("Upgrade", "upgrade_status"), ("Compute resource", "compute"))


def _shown(row: VchRow) -> tuple:
    return tuple(getattr(row, key) for _, key in COLUMNS) + (row.id,)


class VchListScreen(VchLifecycleActions, Screen):
    """The footer keeps what fits at 80 columns; Enter lists every action of the highlighted VCH and ``?``
    every key. The list refreshes itself every few seconds while nothing is open on top of it."""

    BINDINGS = [
        Binding("n", "new", "New VCH"),
        Binding("enter", "actions", "Actions", key_display="⏎", priority=True),
        *VchLifecycleActions.LIFECYCLE_BINDINGS,
        Binding("d", "delete", "Delete"),
        Binding("e", "enable_ssh", "Enable SSH", show=False),
        Binding("y", "copy_env", "Copy Docker environment", show=False),
        Binding("o", "containers", "Containers", show=False),
        Binding("s", "save_certs", "Save client certificates", show=False),
        Binding("l", "show_log", "Deployment log", show=False),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("q", "app.quit", "Quit", show=False),
    ]
    HELP_TITLE = "VCH list"
    AUTO_REFRESH = 5.0  # seconds

    def __init__(self, backend, rows: list[VchRow] | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.initial_rows = rows
        self.rows: list[VchRow] = []
        self.shown_once = False
        self.loading = False
        self.inspected: tuple | None = None  # what the details pane shows, as the row looked then
        self.lifecycle_init()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="list-status", markup=False)
        yield DataTable(id="vchs", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="details-pane"):
            yield VchDetails("", id="details")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in COLUMNS:
            table.add_column(label, key=key)
        if self.initial_rows is not None:
            self._show(self.initial_rows)
        else:
            self.action_refresh()
        self.set_interval(self.AUTO_REFRESH, self.auto_refresh)

    def auto_refresh(self) -> None:
        """Read the list again, quietly, unless something is open on top of it or a read is under way."""
        if self.app.screen is self and not self.loading:
            self.load()

    def on_screen_resume(self) -> None:
        # Back from the wizard or the progress screen the list may have changed; the first showing loads on mount.
        if self.shown_once:
            self.action_refresh()
        self.shown_once = True

    def action_refresh(self) -> None:
        self.query_one("#list-status", Static).update("Loading…")
        self.load()

    def load(self) -> None:
        self.loading = True
        self._load()

    @work(thread=True, exclusive=True, group="list")
    def _load(self) -> None:
        try:
            rows = self.backend.list_vchs()
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self._error, user_message(exc))
            return
        self.app.call_from_thread(self._show, rows)

    def _error(self, message: str) -> None:
        self.loading = False
        if not self.is_attached:
            return
        self.query_one("#list-status", Static).update(f"Cannot list the VCHs: {message}")
        self.notify(f"Cannot list the VCHs: {message}", severity="error", timeout=10)

    def _show(self, rows: list[VchRow]) -> None:
        self.loading = False
        if not self.is_attached or not self.query(DataTable):
            return  # read while the app was closing
        rows = sorted(rows, key=lambda r: natural_key(r.name))
        chosen = self.current()
        same = [_shown(r) for r in rows] == [_shown(r) for r in self.rows]
        self.rows = rows
        table = self.query_one(DataTable)
        if not same or table.row_count != len(rows):
            # Redrawn only when something changed: the cursor and the details pane stay put otherwise.
            table.clear()
            for row in rows:
                table.add_row(*(getattr(row, key) for _, key in COLUMNS), key=row.id)
        target = self.backend.target
        count = f"{len(rows)} virtual container host{'s' if len(rows) != 1 else ''}"
        self.query_one("#list-status", Static).update(f"{count} on {target.display}")
        if chosen is not None and any(r.id == chosen.id for r in rows):
            table.move_cursor(row=[r.id for r in rows].index(chosen.id))
        if not rows:
            self.query_one(VchDetails).show_text("No VCH yet. Press n to create one.")
        self.refresh_bindings()

    def current(self) -> VchRow | None:
        tables = self.query(DataTable)
        if not tables:  # not composed yet, or already closing
            return None
        table = tables.first()
        if not self.rows or not table.is_valid_coordinate((table.cursor_row, 0)):
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((r for r in self.rows if r.id == key), None)

    @on(DataTable.RowHighlighted)
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = next((r for r in self.rows if r.id == event.row_key.value), None)
        self.refresh_bindings()
        if row is not None and _shown(row) != self.inspected:
            self.inspected = _shown(row)
            self.query_one(VchDetails).show_text(f"Reading {row.name}…")
            self.inspect(row)

    @work(thread=True, exclusive=True, group="inspect")
    def inspect(self, row: VchRow) -> None:
        try:
            pairs = self.backend.inspect(row)
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self.query_one(VchDetails).show_text,
                                      f"Cannot inspect {row.name}: {user_message(exc)}")
            return
        self.app.call_from_thread(self.query_one(VchDetails).show_text, "\n".join(pairs))
        self.learn_previous(row)

    def action_new(self) -> None:
        self.notify("Reading the inventory…")
        self.open_wizard()

    @work(thread=True, exclusive=True, group="wizard")
    def open_wizard(self) -> None:
        from tui.screens.wizard import WizardScreen

        try:
            inventory = self.backend.snapshot()
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self.notify, f"Cannot read the inventory: {user_message(exc)}",
                                      severity="error", timeout=10)
            return
        # On an ESXi host that no vCenter manages, the wizard leaves out what only vCenter has.
        steps = wizard_description(esxi=inventory.esxi)["steps"]
        self.app.call_from_thread(lambda: self.app.push_screen(WizardScreen(self.backend, inventory, steps)))

    def _chosen(self) -> VchRow | None:
        row = self.current()
        if row is None:
            self.notify("Choose a VCH first", severity="warning")
        return row

    def action_delete(self) -> None:
        row = self._chosen()
        if row is None:
            return

        def answered(delete_volumes: bool | None) -> None:
            if delete_volumes is not None:
                self.query_one("#list-status", Static).update(f"Deleting {row.name}…")
                self.delete(row, delete_volumes)

        self.app.push_screen(DeleteScreen(row.name), answered)

    @work(thread=True, exclusive=True, group="delete")
    def delete(self, row: VchRow, delete_volumes: bool) -> None:
        try:
            self.backend.delete(row, delete_volumes)
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self.notify, f"Cannot delete {row.name}: {user_message(exc)}",
                                      severity="error", timeout=10)
        else:
            self.app.call_from_thread(self.notify, f"Deleted {row.name}")
        self.app.call_from_thread(self.action_refresh)

    def action_save_certs(self) -> None:
        row = self._chosen()
        if row is None:
            return

        def answered(directory: str | None) -> None:
            if directory:
                self.save_certs(row, directory)

        self.app.push_screen(SaveCertsScreen(row.name, f"./{row.name}"), answered)

    @work(thread=True, group="certs")
    def save_certs(self, row: VchRow, directory: str) -> None:
        try:
            written = self.backend.save_client_certs(row, directory)
        except (VicError, OSError) as exc:
            self.app.call_from_thread(self.notify, f"Cannot save the certificates: {user_message(exc)}",
                                      severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, f"Saved {len(written)} files to {directory}")

    def action_show_log(self) -> None:
        row = self._chosen()
        if row is not None:
            self.show_log(row)

    @work(thread=True, group="log")
    def show_log(self, row: VchRow) -> None:
        try:
            text = self.backend.deployment_log(row)
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self.notify, f"Cannot read the log: {user_message(exc)}", severity="error",
                                      timeout=10)
            return
        self.app.call_from_thread(self.app.push_screen, DeployLogScreen(row.name, text))

    # What else the browser offers on a VCH

    def action_actions(self) -> None:
        row = self._chosen()
        if row is None:
            return
        actions = [(action, key, label) for action, key, label in self.ACTIONS
                   if self.check_action(action, ()) is not False]

        def chosen(action: str | None) -> None:
            if action:
                getattr(self, f"action_{action}")()

        from tui.screens.actions import ActionsScreen

        self.app.push_screen(ActionsScreen(row.name, actions), chosen)

    ACTIONS = [("configure", "c", "Configure…"), ("upgrade", "u", "Upgrade…"), ("rollback", "b", "Roll back…"),
               ("enable_ssh", "e", "Enable SSH…"), ("copy_env", "y", "Copy Docker environment"),
               ("containers", "o", "Containers"), ("save_certs", "s", "Save client certificates…"),
               ("show_log", "l", "Deployment log"), ("delete", "d", "Delete…")]

    def action_enable_ssh(self) -> None:
        from tui.screens.enable_ssh import EnableSshScreen

        row = self._chosen()
        if row is not None:
            self.app.push_screen(EnableSshScreen(self.backend, row))

    def action_containers(self) -> None:
        from tui.screens.containers import ContainersScreen

        row = self._chosen()
        if row is not None:
            self.app.push_screen(ContainersScreen(self.backend, row))

    def action_copy_env(self) -> None:
        row = self._chosen()
        if row is not None:
            self.copy_env(row)

    @work(thread=True, group="env")
    def copy_env(self, row: VchRow) -> None:
        try:
            lines = self.backend.docker_env(row)
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self.notify, f"Cannot read {row.name}'s Docker environment: "
                                                   f"{user_message(exc)}", severity="error", timeout=10)
            return
        self.app.call_from_thread(self._copied, row, lines)

    def _copied(self, row: VchRow, lines: list[str]) -> None:
        if not lines:
            self.notify(f"{row.name} has no Docker endpoint yet: wait until it is running", severity="warning")
            return
        self.app.copy_to_clipboard("\n".join(lines))
        self.notify("Copied to the clipboard (where the terminal allows it):\n" + "\n".join(lines), timeout=10)
