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
    steady_cursors(pilot.app)


def steady_cursors(app) -> None:
    """A blinking cursor is on or off depending on when the picture is taken: keep it on."""
    from textual.widgets import Input

    for screen in app.screen_stack:
        for field in screen.query(Input).results():
            field.cursor_blink = False


def test_vch_list(snap_compare):
    assert snap_compare(SnapshotApp(), terminal_size=SIZE, run_before=settle)


@pytest.mark.parametrize("index,step", list(enumerate(step for step, _ in STEPS)))
def test_wizard_step(snap_compare, index, step):
    async def go(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.go(index)
        await pilot.pause()
        await pilot.pause()
        steady_cursors(pilot.app)

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


# Configure and upgrade (tests/test_tui_lifecycle.py drives them against the simulator).

def configure_wizard(stub):
    from tests.tui_stub import ROWS
    from tui.screens.wizard.configure import ConfigureWizardScreen

    spec, inv = stub.current_spec(ROWS[0])
    return ConfigureWizardScreen(stub, ROWS[0], spec, inv)


def test_configure_compute_step(snap_compare):
    async def compute(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.go(1)
        await pilot.pause()
        await pilot.pause()
        steady_cursors(pilot.app)

    assert snap_compare(SnapshotApp(configure_wizard), terminal_size=SIZE, run_before=compute)


async def changed(pilot) -> None:
    """CPU limit (live) and DNS (restart) changed, then the changes step."""
    await settle(pilot)
    screen = pilot.app.screen
    screen.query_one("#step-compute Input").value = "3000"
    next(row for row in screen.query("FieldRow").results()
         if row.path == "network.public.nameservers").editor.value = "192.0.2.54"
    screen.go(len(screen.steps) - 1)
    await pilot.pause()
    steady_cursors(pilot.app)


def test_configure_changes(snap_compare):
    assert snap_compare(SnapshotApp(configure_wizard), terminal_size=SIZE, run_before=changed)


def test_configure_confirm_restart(snap_compare):
    async def confirm(pilot) -> None:
        await changed(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)

    assert snap_compare(SnapshotApp(configure_wizard), terminal_size=SIZE, run_before=confirm)


def test_upgrade_confirm(snap_compare):
    async def confirm(pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "u")
        await settle(pilot)

    assert snap_compare(SnapshotApp(), terminal_size=SIZE, run_before=confirm)


def test_upgrade_failed_and_undone(snap_compare):
    from tests.tui_stub import ROWS
    from tui.screens.lifecycle_progress import UpgradeProgressScreen

    app = SnapshotApp(lambda stub: UpgradeProgressScreen(stub, ROWS[1]))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)
