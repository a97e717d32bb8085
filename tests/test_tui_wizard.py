"""The wizard against the stub backend: the ISOs checked on the first step, a failed create coming back with every
value kept, Re-check and Fix firewall, pickers offering only what validation accepts, in natural order, messages
that go once the field is fixed, and the progress and outcome after the end.

Classes new with these behaviours are found by name, so each test fails on its own against an older TUI."""

from __future__ import annotations

import pytest

from tests.tui_pilot import async_test, editor, messages, settled, show_step, until
from tests.tui_stub import StubApp, StubBackend, inventory
from tui.screens.confirm import ConfirmScreen
from tui.screens.progress import ProgressScreen
from tui.screens.wizard import WizardScreen
from tui.widgets.compute_tree import ComputeTree
from vic_machine.errors import FieldError, InputError, OperationFailed
from vic_machine.spec.model import VchSpec

pytestmark = pytest.mark.timeout(60)
SIZE = (80, 24)


def wizard(stub):
    return WizardScreen(stub, stub.snapshot())


async def fill(pilot, app, name: str = "vch-new") -> None:
    """What a create needs: a name, DC0_C0, the image datastore, the bridge."""
    editor(app, "name").value = name
    await show_step(pilot, app, "compute")
    tree = app.screen.query_one(ComputeTree)
    tree.select_node(next(n for n in tree.root.children if n.data.name == "DC0_C0"))
    await pilot.pause()
    await show_step(pilot, app, "storage")
    store = editor(app, "storage.image_stores")
    getattr(store, "picker", store).value = "LocalDS_0"  # the datastore beside its folder
    await show_step(pilot, app, "networks")
    editor(app, "network.bridge.port_group").value = "DC0_DVPG0"
    await show_step(pilot, app, "general")


async def next_step(pilot, app) -> None:
    await pilot.press("ctrl+n")
    await until(pilot, lambda: not getattr(app.screen, "checking", False), what="the check")
    await settled(pilot)


@async_test
async def test_first_step_shows_and_checks_the_isos():
    stub = StubBackend(isos=("/nowhere/appliance.iso", "/nowhere/bootstrap.iso"))
    app = StubApp(wizard, stub)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert editor(app, "appliance_iso").value == "/nowhere/appliance.iso"
        await next_step(pilot, app)
        assert app.screen.step_id == "general"
        shown = messages(app, "appliance_iso")
        assert "/nowhere/appliance.iso does not exist" in shown and "--iso-dir" in shown
        assert "appliance_iso:" not in shown
        editor(app, "appliance_iso").value = "/opt/vic/appliance.iso"
        editor(app, "bootstrap_iso").value = "/opt/vic/bootstrap.iso"
        await next_step(pilot, app)
        assert app.screen.step_id == "compute"
        assert [str(p) for p in stub.isos] == ["/opt/vic/appliance.iso", "/opt/vic/bootstrap.iso"]


@async_test
async def test_a_create_refused_for_its_isos_comes_back_to_the_first_step_with_every_value():
    stub = StubBackend(create_error=InputError(FieldError("appliance_iso", "/opt/vic/appliance.iso does not exist")))
    app = StubApp(wizard, stub)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await fill(pilot, app)
        app.screen.go(len(app.screen.steps) - 1)
        await next_step(pilot, app)
        progress = await until(pilot, lambda: isinstance(app.screen, ProgressScreen) and app.screen.finished
                               and app.screen, what="the failed create")
        outcome = str(progress.query_one("#outcome").render())
        assert "Appliance ISO" in outcome and "appliance_iso:" not in outcome and "--iso-dir" in outcome
        await pilot.click("#close")
        await until(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen.step_id == "general",
                    what="back on the first step")
        assert "does not exist" in messages(app, "appliance_iso")
        assert editor(app, "name").value == "vch-new"
        assert app.screen.query_one(ComputeTree).chosen.name == "DC0_C0"
        assert editor(app, "network.bridge.port_group").value == "DC0_DVPG0"


@async_test
async def test_a_failed_create_comes_back_to_the_summary_saying_why():
    stub = StubBackend(create_error=OperationFailed("Create VM folder", RuntimeError("the folder is locked")))
    app = StubApp(wizard, stub)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await fill(pilot, app)
        app.screen.go(len(app.screen.steps) - 1)
        await next_step(pilot, app)
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen) and app.screen.finished)
        assert not app.screen.query_one("#cancel").display  # nothing to cancel any more
        assert app.screen.check_action("cancel", ()) is False
        await pilot.click("#close")
        wizard_screen = await until(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen)
        assert wizard_screen.step_id == "summary"
        text = str(wizard_screen.query_one("#summary-message").render())
        assert "the folder is locked" in text and "value is kept" in text
        assert editor(app, "name").value == "vch-new"


@async_test
async def test_recheck_reads_the_inventory_again_and_fix_firewall_asks_first():
    stub = StubBackend(firewall_open=False)
    app = StubApp(wizard, stub)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await fill(pilot, app)
        await next_step(pilot, app)
        await next_step(pilot, app)
        assert app.screen.step_id == "compute" and "Firewall must permit" in messages(app, "compute.resource")
        assert "Ctrl-F" in messages(app, "compute.resource")
        assert app.screen.check_action("recheck", ()) and app.screen.check_action("fix_firewall", ())
        # Fixed elsewhere (vic-machine update firewall in another shell): Re-check sees it.
        stub.firewall_open = True
        await pilot.click("#recheck")
        await until(pilot, lambda: not app.screen.checking)
        await settled(pilot)
        assert "Firewall" not in messages(app, "compute.resource")
        assert app.screen.check_action("recheck", ()) is False

        stub.firewall_open = False  # closed again, and the wizard told so
        app.screen.use_inventory(stub.snapshot())
        await next_step(pilot, app)
        assert "Firewall must permit" in messages(app, "compute.resource")
        await pilot.press("ctrl+f")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("tab", "enter")  # the safe choice: nothing changed
        await pilot.pause()
        assert stub.firewall_open is False and isinstance(app.screen, WizardScreen)
        await pilot.click("#fix-firewall")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#go")
        await until(pilot, lambda: isinstance(app.screen, WizardScreen) and not app.screen.checking)
        await settled(pilot)
        assert stub.firewall_open is True
        assert "Firewall" not in messages(app, "compute.resource")
        assert app.screen.query_one(ComputeTree).chosen.name == "DC0_C0"  # the choice survives the new inventory


@async_test
async def test_a_message_goes_once_its_field_is_edited():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        editor(app, "name").value = "bad/name"
        await next_step(pilot, app)
        assert "is not allowed" in messages(app, "name")
        editor(app, "name").value = "good-name"
        await pilot.pause()
        assert messages(app, "name") == ""


@async_test
async def test_a_vch_of_that_name_is_called_a_vch():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        editor(app, "name").value = "vch-prod"
        await next_step(pilot, app)
        shown = messages(app, "name")
        assert "There is already a VCH named 'vch-prod'" in shown and "VM folder" not in shown


@async_test
async def test_compute_tree_in_natural_order_and_a_vchs_pool_cannot_be_chosen():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        app.screen.go(1)
        await settled(pilot)
        tree = app.screen.query_one(ComputeTree)
        cluster = next(n for n in tree.root.children if n.data.name == "DC0_C0")
        assert [n.data.name for n in cluster.children] == ["team-2", "team-10", "vch-prod"]
        pool = cluster.children[2]
        assert "VCH" in str(pool.label)
        tree.move_cursor(pool)
        await pilot.press("enter")
        assert tree.chosen is None


@async_test
async def test_the_bridge_offers_only_what_validation_accepts():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await fill(pilot, app)
        app.screen.go(3)
        await settled(pilot)
        bridge = editor(app, "network.bridge.port_group")
        offered = [value for _, value in bridge._options if value is not bridge.NULL]
        assert offered == ["DC0_DVPG0"]  # VM Network is a standard port group: refused on a cluster
        public = [value for _, value in editor(app, "network.public.port_group")._options
                  if value is not bridge.NULL]
        assert public == ["DC0_DVPG0", "VM Network"]


@async_test
async def test_the_image_datastore_takes_a_folder():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        app.screen.go(2)
        await settled(pilot)
        store = editor(app, "storage.image_stores")
        store.picker.value = "LocalDS_0"
        store.folder.value = "vch-images"
        spec, _ = app.screen.build_spec()
        assert spec.storage.image_stores == ["LocalDS_0/vch-images"]


@async_test
async def test_the_outcome_scrolls_and_keeps_long_lines_whole():
    stub = StubBackend(create_error=OperationFailed("Upload ISOs", RuntimeError(
        "cannot upload /a/very/long/path/" + "x" * 120 + "/appliance.iso")))
    app = StubApp(lambda s: ProgressScreen(s, VchSpec(name="vch1")), stub)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.finished)
        await settled(pilot)
        outcome = app.screen.query_one("#outcome")
        lines = str(outcome.render()).splitlines()
        path = "/a/very/long/path/" + "x" * 120 + "/appliance.iso."
        assert path in lines  # whole on its line, the sentence around it wrapped
        assert outcome.region.height == len(lines)  # no line wrapped on screen
        box = app.screen.query_one("#outcome-box")
        assert box.allow_horizontal_scroll  # the long one is scrolled to, sideways
