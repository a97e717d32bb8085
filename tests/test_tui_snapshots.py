"""Pictures of the TUI's screens at 80×24, against fixed data (tests/tui_stub.py) so they are the same every run.

Update after reviewing a change: ``.venv/bin/pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from tests.tui_stub import StubBackend, inventory
from tui.app import VicTui
from tui.screens.progress import ProgressScreen
from tui.screens.vch_list import VchListScreen
from tui.screens.wizard import WizardScreen
from vic_machine.spec import STEPS
from vic_machine.spec.model import VchSpec

SIZE = (80, 24)


class SnapshotApp(VicTui):
    """The app already connected to the stub, optionally opening a screen on top of the list."""

    def __init__(self, open_screen=None) -> None:
        super().__init__(None)
        self.stub = StubBackend()
        self.open_screen = open_screen

    def on_mount(self, event) -> None:
        event.prevent_default()  # not the connect screen of VicTui.on_mount
        self.backend = self.stub
        self.sub_title = f"{self.stub.target.display} as {self.stub.target.user}"
        self.push_screen(VchListScreen(self.stub))
        if self.open_screen is not None:
            self.push_screen(self.open_screen(self.stub))


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_vch_list(snap_compare):
    assert snap_compare(SnapshotApp(), terminal_size=SIZE, run_before=settle)


@pytest.mark.parametrize("index,step", list(enumerate(step for step, _ in STEPS)))
def test_wizard_step(snap_compare, index, step):
    async def go(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.go(index)
        await pilot.pause()

    app = SnapshotApp(lambda stub: WizardScreen(stub, inventory()))
    assert snap_compare(app, terminal_size=SIZE, run_before=go)


def test_wizard_refuses_a_bad_name(snap_compare):
    async def bad_name(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#step-general Input").value = "bad/name"
        await pilot.press("ctrl+n")
        await settle(pilot)

    app = SnapshotApp(lambda stub: WizardScreen(stub, inventory()))
    assert snap_compare(app, terminal_size=SIZE, run_before=bad_name)


async def steps_shown(pilot) -> None:
    while not pilot.app.stub.reached.is_set():
        await pilot.pause(0.05)
    await pilot.pause()


def test_progress_in_progress(snap_compare):
    async def started(pilot) -> None:
        await steps_shown(pilot)

    app = SnapshotApp(lambda stub: ProgressScreen(stub, VchSpec(name="vch1")))
    assert snap_compare(app, terminal_size=SIZE, run_before=started)


def test_progress_cancelled(snap_compare):
    async def cancelled(pilot) -> None:
        await steps_shown(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)

    app = SnapshotApp(lambda stub: ProgressScreen(stub, VchSpec(name="vch1")))
    assert snap_compare(app, terminal_size=SIZE, run_before=cancelled)
