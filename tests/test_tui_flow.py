"""The whole path a user takes in the TUI against the simulator: the wizard refusing bad input at every step,
create with progress to success, the VCH in the list, delete with its volume stores, gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.support import session_for
from vic_machine.inventory import take_snapshot
from vic_machine.operations.ls import list_vchs
from tui.backend import Backend
from tui.screens.confirm import ConfirmScreen
from tui.screens.delete_vch import DeleteScreen
from tui.screens.progress import ProgressScreen
from tui.screens.vch_list import VchListScreen
from tui.screens.wizard import WizardScreen
from tui.screens.wizard.summary import SummaryPane
from tui.widgets.compute_tree import ComputeTree
from tui.widgets.item_list import ItemList
from tests.tui_pilot import async_test, create_from_summary, editor, make_app, messages, sim_target, to_field, until

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def env(vch_world):
    """A simulator of our own with the vic-engine firewall ruleset open and the appliance stand-in following it."""
    world = vch_world()
    return world.sim, (Path(world.isos.appliance.path), Path(world.isos.bootstrap.path))


def on_step(app, step: str) -> bool:
    return isinstance(app.screen, WizardScreen) and app.screen.step_id == step and not app.screen.checking


async def refused_then_fixed(pilot, app, step: str, path: str, bad, good, expect: str) -> None:
    """Put ``bad`` in the field at ``path``: Next shows ``expect`` beside it and stays; ``good`` gets past."""
    await bad() if callable(bad) else None
    await pilot.press("ctrl+n")
    await until(pilot, lambda: on_step(app, step) and expect in messages(app, path), what=f"{path}: {expect}")
    await good()
    await pilot.press("ctrl+n")
    await until(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen.step_id != step
                and not app.screen.checking, what=f"leaving step {step}")


def typed(app, path: str, text: str):
    async def put() -> None:
        editor(app, path).value = text
    return put


@async_test
async def test_wizard_create_list_delete(env, tmp_path, fresh_name):
    sim, isos = env
    name = fresh_name("tui")
    app = make_app(sim_target(sim), tmp_path, isos)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, VchListScreen), what="the VCH list")
        await pilot.press("n")
        await until(pilot, lambda: on_step(app, "general"), what="the wizard")

        await refused_then_fixed(pilot, app, "general", "name", typed(app, "name", "bad/name"),
                                 typed(app, "name", name), "is not allowed")

        async def choose_cluster() -> None:
            tree = app.screen.query_one(ComputeTree)
            tree.focus()
            node = next(n for n in tree.root.children if n.data.name == "DC0_C0")
            tree.move_cursor(node)
            await pilot.press("enter")
        await refused_then_fixed(pilot, app, "compute", "compute.resource", None, choose_cluster, "is required")

        async def add_volume_store() -> None:
            editor(app, "storage.image_stores").picker.value = "LocalDS_0"
            await app.screen.query_one(ItemList).add_item()
            editor(app, "storage.volume_stores[].datastore").value = f"LocalDS_0/{name}-volumes"
            editor(app, "storage.volume_stores[].label").value = "default"
        await refused_then_fixed(pilot, app, "storage", "storage.image_stores", None, add_volume_store,
                                 "is required")

        async def bridge() -> None:
            editor(app, "network.bridge.port_group").value = "DC0_DVPG0"
        await refused_then_fixed(pilot, app, "networks", "network.bridge.port_group", None, bridge, "is required")

        await refused_then_fixed(pilot, app, "security", "auth.server.generate.cname",
                                 typed(app, "auth.server.generate.cname", "x" * 70),
                                 typed(app, "auth.server.generate.cname", ""), "characters long")
        await refused_then_fixed(pilot, app, "registry", "registry.insecure",
                                 typed(app, "registry.insecure", "bad registry!"),
                                 typed(app, "registry.insecure", ""), "must be host[:port]")
        await refused_then_fixed(pilot, app, "operations", "endpoint.operations_credentials.password",
                                 typed(app, "endpoint.operations_credentials.user", "ops@vsphere.local"),
                                 typed(app, "endpoint.operations_credentials.user", ""), "is required")

        assert on_step(app, "summary")
        command = app.screen.query_one(SummaryPane).command
        assert f"--name {name}" in command and "--bridge-network DC0_DVPG0" in command
        assert sim.password not in command
        await create_from_summary(pilot, app)
        await pilot.click("#close")

        table = await until(pilot, lambda: isinstance(app.screen, VchListScreen) and app.screen.query_one(DataTable))
        await until(pilot, lambda: any(r.name == name and r.status == "running" for r in app.screen.rows),
                    what="the new VCH running in the list")
        row = next(r for r in app.screen.rows if r.name == name)
        assert row.docker_endpoint.endswith(":2376")
        table.move_cursor(row=[r.id for r in app.screen.rows].index(row.id))
        details = app.screen.query_one("#details")
        await until(pilot, lambda: "Docker environment variables" in str(details.render()), what="inspect output")

        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DeleteScreen))
        await pilot.click("#volumes")
        await pilot.click("#delete")
        await until(pilot, lambda: isinstance(app.screen, VchListScreen)
                    and all(r.name != name for r in app.screen.rows)
                    and "Loading" not in str(app.screen.query_one("#list-status").render()),
                    timeout=60, what="the VCH gone from the list")

    session = session_for(sim)
    try:
        assert all(v.name != name for v in list_vchs(session))
        inventory = take_snapshot(session)
        assert name not in inventory.names_in_use
    finally:
        session.logout()


class PausingBackend(Backend):
    """The real backend, whose create pauses when it reaches "Upload ISOs" until the user cancels: the test
    presses Ctrl-C at a known point of the run instead of racing it."""

    def create(self, spec, sink, cancel_event):
        def pausing(event):
            sink(event)
            if event.kind == "step" and event.step == "Upload ISOs" and event.message == event.step:
                cancel_event.wait(20)

        return super().create(spec, pausing, cancel_event)


@async_test
async def test_cancelled_create_leaves_nothing(env, tmp_path, fresh_name):
    sim, isos = env
    name = fresh_name("tui-cancel")
    app = make_app(sim_target(sim), tmp_path, isos, backend_class=PausingBackend)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, VchListScreen), what="the VCH list")
        await pilot.press("n")
        await until(pilot, lambda: on_step(app, "general"), what="the wizard")
        editor(app, "name").value = name
        await to_field(pilot, app, "compute.resource")
        tree = app.screen.query_one(ComputeTree)
        tree.select_node(next(n for n in tree.root.children if n.data.name == "DC0_C0"))
        await to_field(pilot, app, "storage.image_stores")
        editor(app, "storage.image_stores").picker.value = "LocalDS_0"
        await to_field(pilot, app, "network.bridge.port_group")
        editor(app, "network.bridge.port_group").value = "DC0_DVPG0"
        app.screen.go(len(app.screen.steps) - 1)
        await pilot.press("ctrl+n")
        progress = await until(pilot, lambda: isinstance(app.screen, ProgressScreen) and app.screen,
                               what="the progress screen")
        log = progress.query_one("#step-log")
        await until(pilot, lambda: any("Upload ISOs" in line.text for line in log.lines), what="the upload step")
        await pilot.press("ctrl+c")
        await until(pilot, lambda: progress.finished, timeout=30, what="the rollback")
        outcome = str(progress.query_one("#outcome").render())
        assert progress.outcome == "cancelled"
        assert "Cancelled" in outcome and "resource pool" in outcome and "Left behind" not in outcome
        assert any("↶" in line.text for line in log.lines)
        assert str(progress.query_one("#close").label) == "Back to the wizard"
        await pilot.click("#close")
        # Back in the wizard, on its last step, every value kept: Create would run it again.
        wizard = await until(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen, what="the wizard")
        assert wizard.step_id == "summary" and "cancelled" in str(wizard.query_one("#summary-message").render())
        assert editor(app, "name").value == name
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question to discard")
        await pilot.click("#go")
        await until(pilot, lambda: isinstance(app.screen, VchListScreen))

    session = session_for(sim)
    try:
        inventory = take_snapshot(session)
        assert name not in inventory.names_in_use
        assert all(node.name != name for node in inventory.compute_nodes())
        assert all(v.name != name for v in list_vchs(session))
    finally:
        session.logout()
