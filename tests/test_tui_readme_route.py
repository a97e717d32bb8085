"""The README's route through the TUI, against the simulator: the ISOs found as the plug-in server finds them and
checked on the first step; a create refused after the whole wizard comes back to the step to fix with every
value kept, then creates; a closed firewall re-checked after fixing it elsewhere, or fixed from the wizard;
Enable SSH on a running VCH."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.isos import ensure_isos
from tests.support import session_for
from tests.tui_pilot import async_test, editor, make_app, messages, settled, sim_target, to_field, until
from tests.vch_support import vch_spec
from tui.app import main
from tui.screens.confirm import ConfirmScreen
from tui.screens.progress import ProgressScreen
from tui.screens.vch_list import VchListScreen
from tui.screens.wizard import WizardScreen
from tui.widgets.compute_tree import ComputeTree
from vic_machine.inventory import take_snapshot
from vic_machine.iso import check_isos
from vic_machine.operations.create import create
from vic_machine.operations.firewall import update_firewall

pytestmark = pytest.mark.timeout(150)


def test_isos_are_found_as_the_plugin_server_finds_them(tmp_path, monkeypatch):
    from tui.isos import installed_isos

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VIC_ISO_DIR", raising=False)
    assert installed_isos() == (tmp_path / "appliance.iso", tmp_path / "bootstrap.iso")
    monkeypatch.setenv("VIC_ISO_DIR", str(tmp_path / "env"))
    assert installed_isos() == (tmp_path / "env" / "appliance.iso", tmp_path / "env" / "bootstrap.iso")
    assert installed_isos(iso_dir="dir") == (tmp_path / "dir" / "appliance.iso", tmp_path / "dir" / "bootstrap.iso")
    assert installed_isos("a.iso", iso_dir="dir") == (tmp_path / "a.iso", tmp_path / "dir" / "bootstrap.iso")


def test_vic_tui_takes_an_iso_folder():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0 and "--iso-dir" in result.output and "--embedded" in result.output


def test_iso_errors_read_as_sentences_with_a_remedy():
    from tui.errors import user_message
    from vic_machine.errors import InputError

    with pytest.raises(InputError) as refused:
        check_isos("/nowhere/appliance.iso", "/nowhere/bootstrap.iso")
    text = user_message(refused.value)
    assert text.startswith("Appliance ISO (General step): /nowhere/appliance.iso does not exist")
    assert "appliance_iso:" not in text and "--iso-dir" in text


@pytest.fixture(scope="module")
def world(vch_world):
    return vch_world()


def on_step(app, step: str) -> bool:
    return isinstance(app.screen, WizardScreen) and app.screen.step_id == step and not app.screen.checking


async def to_summary(pilot, app, name: str) -> None:
    """Fill what a create needs, then the summary."""
    await to_field(pilot, app, "name")
    editor(app, "name").value = name
    await to_field(pilot, app, "compute.resource")
    tree = app.screen.query_one(ComputeTree)
    tree.select_node(next(n for n in tree.root.children if n.data.name == "DC0_C0"))
    await pilot.pause()
    await to_field(pilot, app, "storage.image_stores")
    editor(app, "storage.image_stores").picker.value = "LocalDS_0"
    await to_field(pilot, app, "network.bridge.port_group")
    editor(app, "network.bridge.port_group").value = "DC0_DVPG0"
    app.screen.go(len(app.screen.steps) - 1)
    await pilot.pause()


@async_test
async def test_a_create_refused_after_the_wizard_comes_back_with_every_value(world, tmp_path, fresh_name):
    isos = ensure_isos(tmp_path / "isos")
    name = fresh_name("tui-back")
    app = make_app(sim_target(world.sim), tmp_path, isos)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, VchListScreen), what="the VCH list")
        await pilot.press("n")
        await until(pilot, lambda: on_step(app, "general"), what="the wizard")
        assert editor(app, "appliance_iso").value == str(isos[0])
        await pilot.press("ctrl+n")
        await until(pilot, lambda: on_step(app, "compute"), what="the ISOs accepted")
        await to_summary(pilot, app, name)
        moved = tmp_path / "elsewhere"
        shutil.move(str(isos[0].parent), moved)  # gone between the first step and Create
        await pilot.press("ctrl+n")
        await until(pilot, lambda: on_step(app, "general"), what="back on the first step")
        shown = messages(app, "appliance_iso")
        assert "does not exist" in shown and "--iso-dir" in shown and "appliance_iso:" not in shown
        assert editor(app, "name").value == name
        assert app.screen.query_one(ComputeTree).chosen.name == "DC0_C0"

        editor(app, "appliance_iso").value = str(moved / "appliance.iso")
        editor(app, "bootstrap_iso").value = str(moved / "bootstrap.iso")
        app.screen.go(len(app.screen.steps) - 1)
        await pilot.pause()
        assert f"--appliance-iso {moved / 'appliance.iso'}" in app.screen.query_one("#command").render().plain
        await pilot.press("ctrl+n")
        progress = await until(pilot, lambda: isinstance(app.screen, ProgressScreen) and app.screen)
        await until(pilot, lambda: progress.finished, timeout=60, what="the create")
        assert progress.outcome == "created", progress.query_one("#outcome").render()
        await pilot.click("#close")
        await until(pilot, lambda: isinstance(app.screen, VchListScreen)
                    and any(r.name == name for r in app.screen.rows), what="the VCH in the list")


@pytest.fixture(scope="module")
def closed(start_sim):
    """A simulator of our own whose hosts' firewalls block 2377/tcp outbound, as a fresh vCenter's do."""
    return start_sim()


def firewall_error(app) -> bool:
    return on_step(app, "compute") and "Firewall must permit" in messages(app, "compute.resource")


async def compute_step_on(pilot, app, resource: str) -> None:
    await until(pilot, lambda: isinstance(app.screen, VchListScreen), what="the VCH list")
    await pilot.press("n")
    await until(pilot, lambda: on_step(app, "general"), what="the wizard")
    await pilot.press("ctrl+n")
    await until(pilot, lambda: on_step(app, "compute"))
    tree = app.screen.query_one(ComputeTree)
    tree.move_cursor(next(n for n in tree.root.children if n.data.name == resource))
    await pilot.press("enter", "ctrl+n")
    await until(pilot, lambda: firewall_error(app), what="the firewall error")


@async_test
async def test_recheck_after_opening_the_firewall_elsewhere(closed, tmp_path):
    app = make_app(sim_target(closed), tmp_path, ensure_isos(tmp_path / "isos"))
    async with app.run_test(size=(80, 24)) as pilot:
        await compute_step_on(pilot, app, "DC0_C0")
        # vic-machine update firewall --allow, in another shell
        session = session_for(closed)
        try:
            inventory = take_snapshot(session)
            update_firewall(session, inventory, "DC0_C0", allow=True)
        finally:
            session.logout()
        await pilot.press("ctrl+r")
        await until(pilot, lambda: on_step(app, "compute") and not app.screen.checking)
        await settled(pilot)
        assert "Firewall" not in messages(app, "compute.resource")
        await pilot.press("ctrl+n")
        await until(pilot, lambda: on_step(app, "storage"), what="the next step")


@async_test
async def test_fix_firewall_from_the_wizard_after_asking(closed, tmp_path):
    app = make_app(sim_target(closed), tmp_path, ensure_isos(tmp_path / "isos"))
    async with app.run_test(size=(80, 24)) as pilot:
        await compute_step_on(pilot, app, "DC0_H0")
        await pilot.press("ctrl+f")
        confirm = await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen)
        assert "DC0_H0" in confirm.heading and "vSPC" in confirm.text
        await pilot.click("#go")
        await until(pilot, lambda: on_step(app, "compute"), timeout=30)
        await settled(pilot)
        assert "Firewall" not in messages(app, "compute.resource")
    session = session_for(closed)
    try:
        host = next(h for h in take_snapshot(session).hosts if h.name == "DC0_H0")
        assert host.firewall_rulesets.get("vic-engine")
    finally:
        session.logout()


@async_test
async def test_enable_ssh_on_a_running_vch(world, tmp_path):
    create(world.session, vch_spec("tui-ssh"), isos=world.isos, timeout=20)
    app = make_app(sim_target(world.sim), tmp_path, (Path(world.isos.appliance.path), Path(world.isos.bootstrap.path)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await until(pilot, lambda: isinstance(app.screen, VchListScreen) and app.screen.rows
                             and app.screen)
        table = screen.query_one("DataTable")
        table.move_cursor(row=[r.name for r in screen.rows].index("tui-ssh"))
        await pilot.pause()
        await pilot.press("e")
        dialog = await until(pilot, lambda: type(app.screen).__name__ == "EnableSshScreen" and app.screen)
        dialog.query_one("#password").value = "Corr3ct-Horse-Battery"
        await pilot.click("#apply")
        await until(pilot, lambda: "SSH is enabled" in str(dialog.query_one("#ssh-status").render()), timeout=40,
                    what="the appliance's answer")
        vch_id = next(r.id for r in screen.rows if r.name == "tui-ssh")
    seen = world.stand_in.debug_state(vch_id)
    assert seen.ssh_enabled and seen.root_password_set
