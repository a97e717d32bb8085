"""Configuring, upgrading and rolling back a VCH: the operation screen running the core's configure or upgrade."""

from __future__ import annotations

import threading
from typing import Any

from vic_machine.operations.plan import Sink
from vic_machine.spec.model import VchSpec

from tui.backend import VchRow
from tui.screens.operation import OperationScreen


class ConfigureProgressScreen(OperationScreen):
    """Applies ``spec`` to the VCH; on failure the VCH is back to its old configuration, as the log shows."""

    NOTHING_DONE = "Nothing had been changed."

    def __init__(self, backend, row: VchRow, spec: VchSpec) -> None:
        super().__init__(backend, f"Configuring VCH {row.name}")
        self.row = row
        self.spec = spec

    def run(self, sink: Sink, cancel_event: threading.Event) -> Any:
        return self.backend.configure(self.row, self.spec, sink, cancel_event)

    def succeeded(self, result: Any) -> tuple[str, str]:
        how = "restarted with the new configuration" if result.needs_restart else "changed live, not restarted"
        lines = [f"Configured {result.name}: {how}.", f"Changed: {', '.join(result.changed) or 'nothing'}"]
        lines += [f"! {note}" for note in result.warnings]
        return "configured", "\n".join(lines)


class UpgradeProgressScreen(OperationScreen):
    """Upgrades the VCH to this terminal's ISOs, or rolls it back; a failure reverts it to where it was."""

    NOTHING_DONE = "Nothing had been changed."

    def __init__(self, backend, row: VchRow, rollback: bool = False) -> None:
        super().__init__(backend, f"{'Rolling back' if rollback else 'Upgrading'} VCH {row.name}")
        self.row = row
        self.rollback = rollback

    def run(self, sink: Sink, cancel_event: threading.Event) -> Any:
        return self.backend.upgrade(self.row, sink, cancel_event, rollback=self.rollback)

    def succeeded(self, result: Any) -> tuple[str, str]:
        verb = "Rolled back" if self.rollback else "Upgraded"
        lines = [f"{verb} {result.name} from {result.from_version} to {result.to_version}."]
        lines += [f"! {note}" for note in result.warnings]
        return "rolled back" if self.rollback else "upgraded", "\n".join(lines)
