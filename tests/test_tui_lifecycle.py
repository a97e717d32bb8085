"""Configure and upgrade from the TUI against the simulator and the appliance stand-in: a live change and a
restart change seen when Configure is opened again, and an upgrade from older ISOs to "Up to date", then back."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from sim.isos import ensure_isos
from tests.tui_pilot import async_test, editor, make_app, sim_target, to_field, until
from tests.vch_support import vch_spec
from vic_machine.iso import check_isos
from vic_machine.operations.configure_spec import current_spec
from vic_machine.operations.create import create
from vic_machine.operations.find import find_vch
from tui.screens.confirm import ConfirmScreen
from tui.screens.lifecycle_progress import ConfigureProgressScreen, UpgradeProgressScreen
from tui.screens.vch_list import VchListScreen
from tui.screens.wizard.configure import ChangesPane, ConfigureWizardScreen

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def env(vch_world, tmp_path_factory):
    """The simulator with two running VCHs: ``conf`` of the current ISOs (v1.5.8), ``old`` of v1.5.7 ones."""
    world = vch_world()
    old = check_isos(*ensure_isos(tmp_path_factory.mktemp("isos") / "old", version="v1.5.7"))
    spec = vch_spec("tui-conf")
    spec.compute.cpu.limit = 2000
    spec.network.public.nameservers = ["192.0.2.53"]
    create(world.session, spec, isos=world.isos, timeout=20)
    create(world.session, vch_spec("tui-old"), isos=old, timeout=20)
    return world.sim, world.session, (Path(world.isos.appliance.path), Path(world.isos.bootstrap.path))


async def open_list_at(pilot, app, name: str):
    """The VCH list with the cursor on ``name``; returns its row."""
    table = await until(pilot, lambda: isinstance(app.screen, VchListScreen) and app.screen.rows
                        and app.screen.query_one(DataTable), what="the VCH list")
    row = next(r for r in app.screen.rows if r.name == name)
    table.move_cursor(row=[r.id for r in app.screen.rows].index(row.id))
    await pilot.pause()
    return row


async def configure(pilot, app, name: str, values: dict[str, str]) -> tuple[str, str]:
    """Open Configure on ``name``, type ``values``, Apply; returns the changes step's text and the confirmation's."""
    await open_list_at(pilot, app, name)
    await pilot.press("c")
    wizard = await until(pilot, lambda: isinstance(app.screen, ConfigureWizardScreen) and app.screen,
                         what="the configure wizard")
    for path, text in values.items():
        await to_field(pilot, app, path)
        editor(app, path).value = text
    wizard.go(len(wizard.steps) - 1)
    await pilot.pause()
    changes = str(wizard.query_one(ChangesPane).query_one("#changes").render())
    await pilot.press("ctrl+n")
    confirm = await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen, timeout=30,
                          what="the confirmation")
    asked = f"{confirm.heading}\n{confirm.text}"
    await pilot.click("#go")
    progress = await until(pilot, lambda: isinstance(app.screen, ConfigureProgressScreen) and app.screen)
    await until(pilot, lambda: progress.finished, timeout=60, what="the configure to finish")
    assert progress.outcome == "configured", progress.query_one("#outcome").render()
    await pilot.click("#close")
    return changes, asked


@async_test
async def test_configure_live_then_restart_change(env, tmp_path):
    sim, session, isos = env
    app = make_app(sim_target(sim), tmp_path, isos)
    async with app.run_test(size=(100, 40)) as pilot:
        # The form starts from what is stored: untouched fields are no change.
        await open_list_at(pilot, app, "tui-conf")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConfigureWizardScreen), what="the configure wizard")
        await to_field(pilot, app, "compute.cpu.limit")
        assert editor(app, "compute.cpu.limit").value == "2000"
        await to_field(pilot, app, "network.public.nameservers")
        assert editor(app, "network.public.nameservers").value == "192.0.2.53"
        assert not any(desc["path"] == "name" for step in app.screen.steps for desc in step["fields"])
        await pilot.press("escape")

        changes, asked = await configure(pilot, app, "tui-conf", {"compute.cpu.limit": "3000"})
        assert "2000 MHz → 3000 MHz" in changes and "restart" not in changes
        assert "not restarted" in asked and "restart it?" not in asked

        changes, asked = await configure(pilot, app, "tui-conf", {"network.public.nameservers": "192.0.2.54"})
        assert "192.0.2.53 → 192.0.2.54  (restart)" in changes
        assert "and restart it?" in asked and "snapshot" in asked

        await until(pilot, lambda: isinstance(app.screen, VchListScreen)
                    and any(r.name == "tui-conf" and r.status == "running" for r in app.screen.rows),
                    what="the VCH running again")
        await open_list_at(pilot, app, "tui-conf")
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConfigureWizardScreen), what="the configure wizard")
        await to_field(pilot, app, "compute.cpu.limit")
        assert editor(app, "compute.cpu.limit").value == "3000"
        await to_field(pilot, app, "network.public.nameservers")
        assert editor(app, "network.public.nameservers").value == "192.0.2.54"

    spec, _ = current_spec(session, find_vch(session, name="tui-conf"))
    assert spec.compute.cpu.limit == 3000 and spec.network.public.nameservers == ["192.0.2.54"]


def status_of(app, name: str) -> str:
    return next((r.upgrade_status for r in app.screen.rows if r.name == name), "")


@async_test
async def test_upgrade_to_the_current_isos_then_roll_back(env, tmp_path):
    sim, _, isos = env
    app = make_app(sim_target(sim), tmp_path, isos)
    async with app.run_test(size=(80, 24)) as pilot:
        row = await open_list_at(pilot, app, "tui-conf")
        assert row.upgrade_status == "Up to date"
        assert app.screen.check_action("upgrade", ()) is False  # hidden for a VCH at the ISOs' version

        row = await open_list_at(pilot, app, "tui-old")
        assert (row.version, row.upgrade_status) == ("v1.5.7-0-sim", "Upgradeable to v1.5.8-0-sim")
        await pilot.press("u")
        confirm = await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen)
        assert "to v1.5.8-0-sim" in confirm.heading
        await pilot.click("#go")
        progress = await until(pilot, lambda: isinstance(app.screen, UpgradeProgressScreen) and app.screen)
        await until(pilot, lambda: progress.finished, timeout=60, what="the upgrade to finish")
        assert progress.outcome == "upgraded", progress.query_one("#outcome").render()
        await pilot.click("#close")
        await until(pilot, lambda: isinstance(app.screen, VchListScreen) and status_of(app, "tui-old") == "Up to date",
                    what="Up to date in the list")
        row = await open_list_at(pilot, app, "tui-old")
        assert row.version == "v1.5.8-0-sim"

        await until(pilot, lambda: app.screen.check_action("rollback", ()), what="Roll back offered")
        assert app.screen.check_action("upgrade", ()) is False
        await pilot.press("b")
        confirm = await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen)
        assert "v1.5.7-0-sim" in confirm.text
        await pilot.click("#go")
        progress = await until(pilot, lambda: isinstance(app.screen, UpgradeProgressScreen) and app.screen)
        await until(pilot, lambda: progress.finished, timeout=60, what="the roll back to finish")
        assert progress.outcome == "rolled back", progress.query_one("#outcome").render()
        await pilot.click("#close")
        await until(pilot, lambda: isinstance(app.screen, VchListScreen)
                    and status_of(app, "tui-old") == "Upgradeable to v1.5.8-0-sim", what="upgradeable again")


@async_test
async def test_stale_lock_is_cleared_on_request_and_the_run_retried(env, tmp_path):
    from tui.screens.lifecycle_progress import STALE_LOCK_TITLE
    from vic_machine.extraconfig.keys import UPDATE_STATUS_KEY
    from vic_machine.operations.configure_steps import write_extra
    from vic_machine.operations.wait import read_config

    def lock(name: str) -> None:  # as a configure or upgrade that died would leave it
        write_extra(find_vch(session, name=name).vm, {UPDATE_STATUS_KEY: "true"}, "lock", name)

    def locked(name: str) -> bool:
        return read_config(session, find_vch(session, name=name).vm).update_in_progress

    sim, session, isos = env
    lock("tui-conf")
    app = make_app(sim_target(sim), tmp_path, isos)
    async with app.run_test(size=(100, 40)) as pilot:
        # Configure: refused on opening, the user is asked, the mark is cleared and the wizard opens.
        await open_list_at(pilot, app, "tui-conf")
        await pilot.press("c")
        confirm = await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen, timeout=30)
        assert confirm.heading == STALE_LOCK_TITLE and "UpdateInProgress" in confirm.text
        assert locked("tui-conf")
        await pilot.click("#go")
        await until(pilot, lambda: isinstance(app.screen, ConfigureWizardScreen), what="the configure wizard")
        assert not locked("tui-conf")
        await pilot.press("escape")

        # Upgrade: the mark appears after the list was read; the run is refused, the user asked, and it runs again.
        row = await open_list_at(pilot, app, "tui-old")
        assert row.upgrade_status.startswith("Upgradeable")
        lock("tui-old")
        await pilot.press("u")
        asked = await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen)
        await pilot.click("#go")
        confirm = await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen is not asked
                              and app.screen, timeout=30, what="the offer to clear the mark")
        refused = app.screen_stack[-2]  # the refused run, under the question
        assert isinstance(refused, UpgradeProgressScreen) and refused.outcome == "failed"
        assert confirm.heading == STALE_LOCK_TITLE and locked("tui-old")
        await pilot.click("#go")
        progress = await until(pilot, lambda: isinstance(app.screen, UpgradeProgressScreen)
                               and app.screen is not refused and app.screen)
        await until(pilot, lambda: progress.finished, timeout=60, what="the upgrade to finish")
        assert progress.outcome == "upgraded", progress.query_one("#outcome").render()
    old = find_vch(session, name="tui-old")
    assert old.version == "v1.5.8-0-sim" and not old.config.update_in_progress
