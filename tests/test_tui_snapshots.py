"""Pictures of every screen and modal of the TUI at 80×24, in the dark and the light theme, against fixed data
(tests/tui_stub.py) so they are the same every run.

Update after reviewing a change: ``.venv/bin/pytest tests/test_tui_snapshots.py --snapshot-update``, then read
each new or changed SVG under tests/__snapshots__/test_tui_snapshots/.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from tests.tui_stub import ROWS, StubApp, StubBackend, inventory
from tui.app import VicTui
from tui.known_hosts import KnownHosts
from tui.screens.actions import ActionsScreen
from tui.screens.containers import ContainersScreen
from tui.screens.delete_vch import DeleteScreen
from tui.screens.deploy_log import DeployLogScreen
from tui.screens.enable_ssh import EnableSshScreen
from tui.screens.progress import ProgressScreen
from tui.screens.save_certs import SaveCertsScreen
from tui.screens.trust import TrustScreen
from tui.screens.vch_list import VchListScreen
from tui.screens.wizard import WizardScreen
from vic_machine.errors import OperationFailed
from vic_machine.spec import STEPS
from vic_machine.spec.model import VchSpec
from vic_machine.target import Target

SIZE = (80, 24)
THEMES = pytest.mark.parametrize("light", [False, True], ids=["dark", "light"])


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    steady_cursors(pilot.app)


def steady_cursors(app) -> None:
    """A blinking cursor is on or off depending on when the picture is taken: keep it on."""
    for screen in app.screen_stack:
        for field in [*screen.query(Input).results(), *screen.query(TextArea).results()]:
            field.cursor_blink = False


def snap(snap_compare, app, run_before=settle) -> bool:
    return snap_compare(app, terminal_size=SIZE, run_before=run_before)


def wizard(stub):
    return WizardScreen(stub, stub.snapshot())


async def visit(pilot, index: int) -> None:
    """Show the wizard's steps up to ``index`` in turn, as Next does (without its checks): each is mounted when
    first shown."""
    for step in range(index + 1):
        pilot.app.screen.go(step)
        await settle(pilot)


def on_step(index: int, then=None):
    async def go(pilot) -> None:
        await settle(pilot)
        await visit(pilot, index)
        if then is not None:
            await then(pilot)
            await settle(pilot)

    return go


# The list and its modals

@THEMES
def test_vch_list(snap_compare, light):
    assert snap(snap_compare, StubApp(light=light))


@THEMES
def test_vch_list_empty(snap_compare, light):
    assert snap(snap_compare, StubApp(stub=StubBackend(rows=[]), light=light))


@THEMES
@pytest.mark.parametrize("name,screen_of", [
    ("actions", lambda stub: ActionsScreen("vch-prod", [a for a in VchListScreen.ACTIONS if a[0] != "upgrade"])),
    ("delete", lambda stub: DeleteScreen("vch-prod")),
    ("save_certs", lambda stub: SaveCertsScreen("vch-prod", "./vch-prod")),
    ("deploy_log", lambda stub: DeployLogScreen("vch-prod", "\n".join(f"    step  Step {i}: done"
                                                                     for i in range(30)))),
    ("enable_ssh", lambda stub: EnableSshScreen(stub, ROWS[0])),
    ("containers", lambda stub: ContainersScreen(stub, ROWS[0])),
])
def test_list_modal(snap_compare, light, name, screen_of):
    assert snap(snap_compare, StubApp(screen_of, light=light))


@THEMES
def test_help(snap_compare, light):
    async def help_open(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap(snap_compare, StubApp(light=light), help_open)


@THEMES
def test_upgrade_confirm(snap_compare, light):
    async def confirm(pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "u")
        await settle(pilot)

    assert snap(snap_compare, StubApp(light=light), confirm)


@THEMES
def test_upgrade_failed_and_undone(snap_compare, light):
    from tui.screens.lifecycle_progress import UpgradeProgressScreen

    assert snap(snap_compare, StubApp(lambda stub: UpgradeProgressScreen(stub, ROWS[1]), light=light))


# Connecting

class ConnectApp(VicTui):
    """The connect screen with the command line's target, optionally asking to trust its certificate."""

    def __init__(self, light: bool, trust: bool, tmp_path) -> None:
        super().__init__(Target(host="vcenter.example.com", user="administrator@vsphere.local"),
                         known_hosts=KnownHosts(tmp_path / "known_hosts"), light=light)
        self.trust = trust

    def on_mount(self, event) -> None:
        event.prevent_default()  # VicTui.on_mount would push a second connect screen
        from tui.screens.connect import ConnectScreen

        self.push_screen(ConnectScreen(self.target, self.known_hosts))
        if self.trust:
            self.push_screen(TrustScreen("vcenter.example.com", ":".join(["AB"] * 32), ":".join(["CD"] * 20)))


@THEMES
@pytest.mark.parametrize("trust", [False, True], ids=["connect", "trust"])
def test_connect(snap_compare, light, trust, tmp_path):
    assert snap(snap_compare, ConnectApp(light, trust, tmp_path))


# The New VCH wizard

@THEMES
@pytest.mark.parametrize("index,step", list(enumerate(step for step, _ in STEPS)))
def test_wizard_step(snap_compare, light, index, step):
    assert snap(snap_compare, StubApp(wizard, light=light), on_step(index))


@THEMES
def test_wizard_refuses_a_bad_name(snap_compare, light):
    async def bad_name(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#step-general Input").value = "bad/name"
        await pilot.press("ctrl+n")
        await settle(pilot)

    assert snap(snap_compare, StubApp(wizard, light=light), bad_name)


@THEMES
def test_wizard_isos_missing(snap_compare, light):
    async def missing(pilot) -> None:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)

    stub = StubBackend(isos=("/nowhere/appliance.iso", "/nowhere/bootstrap.iso"))
    assert snap(snap_compare, StubApp(wizard, stub, light=light), missing)


async def firewall_refused(pilot) -> None:
    """DC0_C0 chosen on the compute step, Next refused by the closed firewall."""
    await settle(pilot)
    pilot.app.screen.go(1)
    await settle(pilot)
    await pilot.press("enter", "ctrl+n")
    await settle(pilot)


@THEMES
def test_wizard_firewall_refused(snap_compare, light):
    assert snap(snap_compare, StubApp(wizard, StubBackend(firewall_open=False), light=light), firewall_refused)


@THEMES
def test_wizard_fix_firewall_confirm(snap_compare, light):
    async def ask(pilot) -> None:
        await firewall_refused(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)

    assert snap(snap_compare, StubApp(wizard, StubBackend(firewall_open=False), light=light), ask)


@THEMES
def test_wizard_networks_advanced_open(snap_compare, light):
    async def expand(pilot) -> None:
        pilot.app.screen.query_one("#advanced-networks").collapsed = False
        pilot.app.screen.query_one("#advanced-networks CollapsibleTitle").focus()

    assert snap(snap_compare, StubApp(wizard, light=light), on_step(3, expand))


@THEMES
def test_wizard_discard_confirm(snap_compare, light):
    async def discard(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#step-general Input").value = "typed"
        await pilot.press("escape")
        await settle(pilot)

    assert snap(snap_compare, StubApp(wizard, light=light), discard)


@THEMES
def test_wizard_back_after_a_failed_create(snap_compare, light):
    async def failed(pilot) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#step-general Input").value = "vch-new"
        screen.go(1)
        await settle(pilot)
        await pilot.press("enter")
        await visit(pilot, 2)
        screen.query_one("ImageStoreEditor").picker.value = "LocalDS_0"
        await visit(pilot, 3)
        next(r for r in screen.query("FieldRow").results()
             if r.path == "network.bridge.port_group").editor.value = "DC0_DVPG0"
        await visit(pilot, len(screen.steps) - 1)
        await pilot.press("ctrl+n")
        while not (isinstance(pilot.app.screen, ProgressScreen) and pilot.app.screen.finished):
            await pilot.pause(0.05)
        await settle(pilot)
        await pilot.press("enter")  # Back to the wizard
        await settle(pilot)

    stub = StubBackend(create_error=OperationFailed("Create VM folder", RuntimeError("the folder is locked")))
    assert snap(snap_compare, StubApp(wizard, stub, light=light), failed)


# Progress

async def steps_shown(pilot) -> None:
    while not pilot.app.stub.reached.is_set():
        await pilot.pause(0.05)
    await pilot.pause()


@THEMES
def test_progress_in_progress(snap_compare, light):
    app = StubApp(lambda stub: ProgressScreen(stub, VchSpec(name="vch1")), light=light)
    assert snap(snap_compare, app, steps_shown)


@THEMES
def test_progress_cancelled(snap_compare, light):
    async def cancelled(pilot) -> None:
        await steps_shown(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)

    app = StubApp(lambda stub: ProgressScreen(stub, VchSpec(name="vch1"), back_label="Back to the wizard"),
                  light=light)
    assert snap(snap_compare, app, cancelled)


# Configure (tests/test_tui_lifecycle.py drives it against the simulator)

def configure_wizard(stub):
    from tui.screens.wizard.configure import ConfigureWizardScreen

    spec, inv = stub.current_spec(ROWS[0])
    return ConfigureWizardScreen(stub, ROWS[0], spec, inv)


def step_index(screen, step: str) -> int:
    return [s["id"] for s in screen.steps].index(step)


@THEMES
@pytest.mark.parametrize("step", ["compute", "storage"])
def test_configure_step(snap_compare, light, step):
    async def there(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.go(step_index(pilot.app.screen, step))
        await settle(pilot)

    assert snap(snap_compare, StubApp(configure_wizard, light=light), there)


async def changed(pilot) -> None:
    """CPU limit (live) and DNS (restart) changed, then the changes step."""
    await settle(pilot)
    screen = pilot.app.screen
    await visit(pilot, len(screen.steps) - 2)
    rows = {row.path: row for row in screen.query("FieldRow").results()}
    rows["compute.cpu.limit"].editor.value = "3000"
    rows["network.public.nameservers"].editor.value = "192.0.2.54"
    screen.go(len(screen.steps) - 1)
    await settle(pilot)


@THEMES
def test_configure_changes(snap_compare, light):
    assert snap(snap_compare, StubApp(configure_wizard, light=light), changed)


@THEMES
def test_configure_confirm_restart(snap_compare, light):
    async def confirm(pilot) -> None:
        await changed(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)

    assert snap(snap_compare, StubApp(configure_wizard, light=light), confirm)


