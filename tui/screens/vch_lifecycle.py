"""What the VCH list offers for an existing VCH's life: Configure, Upgrade (only when the VCH is older than this
terminal's ISOs) and Roll back (only when an upgrade left a snapshot to return to).

A VCH marked ``UpdateInProgress`` refuses configure and upgrade; when that mark is stale (a run died), the user is
asked whether to clear it and go on, as vic-machine's ``--reset-progress`` does.
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding

from vic_machine.operations.configure import ConfigureInProgress

from tui.backend import VchRow

UPGRADEABLE = "Upgradeable to "
IN_PROGRESS = "Upgrade in progress"


class VchLifecycleActions:
    """Mixed into the VCH list screen, which provides ``backend``, ``current()`` and ``_chosen()``."""

    LIFECYCLE_BINDINGS = [
        Binding("c", "configure", "Configure"),
        Binding("u", "upgrade", "Upgrade"),
        Binding("b", "rollback", "Roll back", show=False),
    ]

    def lifecycle_init(self) -> None:
        self.previous: dict[str, str | None] = {}  # VCH id → version a roll back returns to (None: cannot)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.current()
        if action == "upgrade":
            # A marked VCH hides its real status; offering Upgrade lets the user clear a stale mark.
            return row is not None and (row.upgrade_status.startswith(UPGRADEABLE)
                                        or row.upgrade_status == IN_PROGRESS)
        if action == "rollback":
            return row is not None and self.previous.get(row.id) is not None
        if action in self.ROW_ACTIONS:
            return row is not None
        return True

    # Actions about the highlighted VCH: not offered while there is none.
    ROW_ACTIONS = frozenset({"configure", "delete", "actions", "enable_ssh", "copy_env", "containers",
                             "save_certs", "show_log"})

    def learn_previous(self, row: VchRow) -> None:
        """Whether the VCH can be rolled back (blocking: called from the inspect worker)."""
        try:
            previous = self.backend.previous_version(row)
        except Exception:  # noqa: BLE001 - only decides whether Roll back is offered
            previous = None
        self.app.call_from_thread(self._previous_known, row.id, previous)

    def _previous_known(self, vch_id: str, previous: str | None) -> None:
        self.previous[vch_id] = previous
        self.refresh_bindings()

    def action_configure(self) -> None:
        row = self._chosen()
        if row is not None:
            self.notify(f"Reading the configuration of {row.name}…")
            self.open_configure(row)

    @work(thread=True, exclusive=True, group="wizard")
    def open_configure(self, row: VchRow, reset_progress: bool = False) -> None:
        from tui.screens.wizard.configure import ConfigureWizardScreen

        try:
            # Only when asked: the option is not every backend's (the screenshot tests' stub has none).
            extra = {"reset_progress": True} if reset_progress else {}
            spec, inventory = self.backend.current_spec(row, **extra)
        except ConfigureInProgress:
            self.app.call_from_thread(self._offer_reset, row, "configure",
                                      lambda: self.open_configure(row, reset_progress=True))
            return
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(
            lambda: self.app.push_screen(ConfigureWizardScreen(self.backend, row, spec, inventory)))

    def action_upgrade(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        row = self._chosen()
        if row is not None and row.upgrade_status == IN_PROGRESS:
            self._offer_reset(row, "upgrade", lambda: self._upgrade_now(row, reset_progress=True))
            return
        if row is None or not row.upgrade_status.startswith(UPGRADEABLE):
            return
        to = row.upgrade_status[len(UPGRADEABLE):]
        text = (f"{row.name} goes from {row.version} to {to}. Its endpoint VM is powered off, boots the new "
                "appliance ISO with its configuration kept, and is powered on: the Docker API is unavailable "
                "until it is back up.\n\nA snapshot is taken first: any failure returns the VCH to it, running "
                "the old version. Afterwards, Roll back (b) returns to the old version.")
        self._ask(ConfirmScreen(f"Upgrade VCH {row.name} to {to}?", text, "Upgrade", warn=True), row, False)

    def action_rollback(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        row = self._chosen()
        if row is None or self.previous.get(row.id) is None:
            return
        back = self.previous[row.id] or "its version before the last upgrade"
        text = (f"{row.name} goes back from {row.version} to {back}: it is reverted to the snapshot taken before "
                "its last upgrade, with the configuration it had then, and restarted. The snapshot is removed "
                "afterwards.")
        self._ask(ConfirmScreen(f"Roll back VCH {row.name}?", text, "Roll back", warn=True), row, True)

    def _offer_reset(self, row: VchRow, what: str, retry) -> None:
        """Ask whether to clear the VCH's stale ``UpdateInProgress`` mark; ``retry`` runs again clearing it."""
        from tui.screens.confirm import ConfirmScreen
        from tui.screens.lifecycle_progress import STALE_LOCK_TITLE, stale_lock_text

        def answered(go: bool | None) -> None:
            if go:
                retry()

        self.app.push_screen(ConfirmScreen(STALE_LOCK_TITLE, stale_lock_text(row.name, what),
                                           "Clear the lock and retry", warn=True), answered)

    def _upgrade_now(self, row: VchRow, reset_progress: bool = False) -> None:
        from tui.screens.lifecycle_progress import UpgradeProgressScreen

        from tui.screens.operation import push_operation

        self.previous.pop(row.id, None)
        push_operation(self.app, UpgradeProgressScreen(self.backend, row, reset_progress=reset_progress))

    def _ask(self, screen, row: VchRow, rollback: bool) -> None:
        from tui.screens.lifecycle_progress import UpgradeProgressScreen
        from tui.screens.operation import push_operation

        def answered(go: bool | None) -> None:
            if go:
                self.previous.pop(row.id, None)
                push_operation(self.app, UpgradeProgressScreen(self.backend, row, rollback=rollback))

        self.app.push_screen(screen, answered)
