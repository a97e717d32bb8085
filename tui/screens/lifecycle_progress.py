"""Configuring, upgrading and rolling back a VCH: the operation screen running the core's configure or upgrade.

A run refused because the VCH is marked ``UpdateInProgress`` offers to clear that mark and run again (VIC's
``--reset-progress``): a run that died leaves the mark behind, and nothing else removes it.
"""

from __future__ import annotations

import threading
from typing import Any

from vic_machine.operations.configure import ConfigureInProgress
from vic_machine.operations.plan import Sink
from vic_machine.spec.model import VchSpec

from tui.backend import VchRow
from tui.screens.operation import OperationScreen

STALE_LOCK_TITLE = "Clear the stale lock and retry?"


def stale_lock_text(name: str, what: str) -> str:
    """The confirmation's text: what the mark is, and when clearing it is safe."""
    return (f"VCH {name} is marked as being upgraded or configured (UpdateInProgress), so the {what} was "
            "refused.\n\nIf an upgrade or configure was interrupted, the mark is stale: clear it and run the "
            f"{what} again. Do not clear it while another upgrade or configure of {name} is running (from "
            "vic-machine, the vSphere Client or another terminal).")


class _LockAware(OperationScreen):
    """Remembers a refusal because of the lock, and once the failure is shown asks whether to clear it."""

    WHAT = "operation"

    def __init__(self, backend, title: str, row: VchRow, reset_progress: bool, back_label: str = "Close") -> None:
        super().__init__(backend, title, back_label=back_label)
        self.row = row
        self.reset_progress = reset_progress
        self.locked: ConfigureInProgress | None = None

    def reset_kwargs(self) -> dict:
        """``reset_progress`` for the backend only when asked, so a backend without the option still serves."""
        return {"reset_progress": True} if self.reset_progress else {}

    def guarded(self, call) -> Any:
        """Run ``call`` (in the worker thread), noting a lock refusal before it propagates."""
        try:
            return call()
        except ConfigureInProgress as exc:
            self.locked = exc
            raise

    def again(self) -> OperationScreen:
        """The same operation, clearing the mark first."""
        raise NotImplementedError

    def _ended(self, outcome: str, text: str, ok: bool = False) -> None:
        super()._ended(outcome, text, ok)
        if self.locked is not None and not self.reset_progress:
            self.offer_reset()

    def offer_reset(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        def answered(go: bool | None) -> None:
            if go:
                self.dismiss(self.again())  # whoever opened this run shows the new one in its place

        self.app.push_screen(ConfirmScreen(STALE_LOCK_TITLE, stale_lock_text(self.row.name, self.WHAT),
                                           "Clear the lock and retry", warn=True), answered)


class ConfigureProgressScreen(_LockAware):
    """Applies ``spec`` to the VCH; on failure the VCH is back to its old configuration, as the log shows."""

    NOTHING_DONE = "Nothing had been changed."
    WHAT = "configure"

    def __init__(self, backend, row: VchRow, spec: VchSpec, reset_progress: bool = False,
                 back_label: str = "Close") -> None:
        super().__init__(backend, f"Configuring VCH {row.name}", row, reset_progress, back_label)
        self.spec = spec

    def run(self, sink: Sink, cancel_event: threading.Event) -> Any:
        return self.guarded(lambda: self.backend.configure(self.row, self.spec, sink, cancel_event,
                                                           **self.reset_kwargs()))

    def again(self) -> OperationScreen:
        return ConfigureProgressScreen(self.backend, self.row, self.spec, reset_progress=True,
                                       back_label=self.back_label)

    def succeeded(self, result: Any) -> tuple[str, str]:
        how = "restarted with the new configuration" if result.needs_restart else "changed live, not restarted"
        lines = [f"Configured {result.name}: {how}.", f"Changed: {', '.join(result.changed) or 'nothing'}"]
        lines += [f"! {note}" for note in result.warnings]
        return "configured", "\n".join(lines)


class UpgradeProgressScreen(_LockAware):
    """Upgrades the VCH to this terminal's ISOs, or rolls it back; a failure reverts it to where it was."""

    NOTHING_DONE = "Nothing had been changed."

    def __init__(self, backend, row: VchRow, rollback: bool = False, reset_progress: bool = False) -> None:
        super().__init__(backend, f"{'Rolling back' if rollback else 'Upgrading'} VCH {row.name}", row,
                         reset_progress)
        self.rollback = rollback
        self.WHAT = "roll back" if rollback else "upgrade"

    def run(self, sink: Sink, cancel_event: threading.Event) -> Any:
        return self.guarded(lambda: self.backend.upgrade(self.row, sink, cancel_event, rollback=self.rollback,
                                                         **self.reset_kwargs()))

    def again(self) -> OperationScreen:
        return UpgradeProgressScreen(self.backend, self.row, rollback=self.rollback, reset_progress=True)

    def succeeded(self, result: Any) -> tuple[str, str]:
        verb = "Rolled back" if self.rollback else "Upgraded"
        lines = [f"{verb} {result.name} from {result.from_version} to {result.to_version}."]
        lines += [f"! {note}" for note in result.warnings]
        return "rolled back" if self.rollback else "upgraded", "\n".join(lines)
