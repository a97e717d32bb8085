"""The TUI on an ESXi host that no vCenter manages: connect, the wizard without what only vCenter has (no DRS VM
group, no operations-user permissions; compute resource and bridge network may stay empty), create with progress
to success, the VCH in the list, delete; the host's inventory, datastore and networking as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.esxi_support import esxi_picture, esxi_world, host_networking  # noqa: F401
from tests.tui_pilot import async_test, create_from_summary, editor, make_app, sim_target, to_field, until
from tui.screens.delete_vch import DeleteScreen
from tui.screens.vch_list import VchListScreen
from tui.screens.wizard import WizardScreen
from tui.screens.wizard.summary import SummaryPane

pytestmark = pytest.mark.timeout(120)


def on_step(app, step: str) -> bool:
    return isinstance(app.screen, WizardScreen) and app.screen.step_id == step and not app.screen.checking


@async_test
async def test_wizard_create_list_delete_on_a_host(esxi_world, tmp_path):
    sim, session = esxi_world.sim, esxi_world.session
    isos = (Path(esxi_world.isos.appliance.path), Path(esxi_world.isos.bootstrap.path))
    before = esxi_picture(session)
    name = "tui-esx"
    app = make_app(sim_target(sim), tmp_path, isos)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, VchListScreen), what="the VCH list")
        await pilot.press("n")
        wizard = await until(pilot, lambda: on_step(app, "general") and app.screen, what="the wizard")
        paths = {d["path"] for step in wizard.steps for d in step["fields"]}
        assert "compute.affinity.use_vm_group" not in paths
        assert "endpoint.operations_credentials.grant_permissions" not in paths
        editor(app, "name").value = name

        # Next through every step: only the image datastore needs a choice on a host.
        for step in ("general", "compute"):
            await pilot.press("ctrl+n")
            await until(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen.step_id != step
                        and not app.screen.checking, what=f"leaving step {step}")
        await to_field(pilot, app, "storage.image_stores")
        editor(app, "storage.image_stores").picker.value = "LocalDS_0"
        for step in ("storage", "networks", "security", "registry", "operations"):
            await until(pilot, lambda: on_step(app, step), what=f"step {step}")
            await pilot.press("ctrl+n")
            await until(pilot, lambda: isinstance(app.screen, WizardScreen) and app.screen.step_id != step
                        and not app.screen.checking, what=f"leaving step {step}")

        assert on_step(app, "summary")
        command = app.screen.query_one(SummaryPane).command
        assert f"--name {name}" in command and "--compute-resource" not in command
        assert "--bridge-network" not in command and sim.password not in command
        await create_from_summary(pilot, app)
        assert name in host_networking(session)[0]  # the bridge port group made for it
        await pilot.click("#close")

        table = await until(pilot, lambda: isinstance(app.screen, VchListScreen) and app.screen.query_one(DataTable))
        await until(pilot, lambda: any(r.name == name and r.status == "running" for r in app.screen.rows),
                    what="the new VCH running in the list")
        row = next(r for r in app.screen.rows if r.name == name)
        table.move_cursor(row=[r.id for r in app.screen.rows].index(row.id))
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DeleteScreen))
        await pilot.click("#delete")
        await until(pilot, lambda: isinstance(app.screen, VchListScreen)
                    and all(r.name != name for r in app.screen.rows)
                    and "Loading" not in str(app.screen.query_one("#list-status").render()),
                    timeout=60, what="the VCH gone from the list")
    assert esxi_picture(session) == before


def test_configure_wizard_leaves_out_what_needs_vcenter():
    from tests.esxi_support import esxi_spec
    from tui.configure_form import configure_steps

    spec = esxi_spec("conf-esx")
    paths = {d["path"] for step in configure_steps(spec, esxi=True) for d in step["fields"]}
    assert "compute.affinity.use_vm_group" not in paths
    assert "endpoint.operations_credentials.grant_permissions" not in paths
    assert "compute.cpu.limit" in paths  # what a host has stays
    on_vcenter = {d["path"] for step in configure_steps(spec) for d in step["fields"]}
    assert "compute.affinity.use_vm_group" in on_vcenter
