"""Configure's volume stores: a stored one cannot be removed or moved, so the form offers neither; a new one can
be removed and brought back; typed as create accepted it, a stored store is the same store, not a move."""

from __future__ import annotations

import copy

import pytest

from tests.tui_pilot import async_test, editor, settled, show_step
from tests.tui_stub import ROWS, StubApp, StubBackend
from tui.configure_form import merged_value
from tui.screens.wizard.configure import ConfigureWizardScreen
from tui.widgets.item_list import ItemList
from vic_machine.operations.configure_change import merge
from vic_machine.spec import wizard_description
from vic_machine.spec.model import VolumeStore

pytestmark = pytest.mark.timeout(60)
SIZE = (80, 24)


def configure(stub):
    spec, inv = stub.current_spec(ROWS[0])
    return ConfigureWizardScreen(stub, ROWS[0], spec, inv)


def volume_list(app) -> ItemList:
    return next(lst for lst in app.screen.query(ItemList).results() if lst.path == "storage.volume_stores")


@async_test
async def test_a_stored_volume_store_is_neither_removable_nor_movable():
    app = StubApp(configure)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await show_step(pilot, app, "storage")
        stores = volume_list(app)
        (stored,) = stores.items()
        assert not stored.query(".remove-item")
        assert "cannot be removed or moved" in str(stored.query_one(".item-note").render())
        rows = {row.path: row for row in stored.query("FieldRow").results()}
        assert rows["storage.volume_stores[].datastore"].editor.disabled
        assert rows["storage.volume_stores[].label"].editor.disabled


@async_test
async def test_a_removed_new_store_comes_back_with_undo():
    app = StubApp(configure)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        app.screen.go([step["id"] for step in app.screen.steps].index("storage"))
        await settled(pilot)
        stores = volume_list(app)
        await stores.add_item()
        await pilot.pause()
        new = stores.items()[-1]
        rows = {row.path: row for row in new.query("FieldRow").results()}
        rows["storage.volume_stores[].datastore"].editor.value = "LocalDS_0/more"
        rows["storage.volume_stores[].label"].editor.value = "more"
        new.query_one(".remove-item").press()
        await pilot.pause()
        assert len(stores.items()) == 1
        undo = stores.query_one(".undo-remove")
        assert undo.display and undo.region.height
        undo.press()
        await pilot.pause()
        assert [v.label for v in stores.value()] == ["default", "more"]
        assert [v.datastore for v in stores.value()][-1] == "LocalDS_0/more"


def test_a_store_typed_as_create_took_it_is_the_stored_one():
    stored, _ = StubBackend().current_spec(ROWS[0])
    desc = next(f for s in wizard_description()["steps"] for f in s["fields"] if f["path"] == "storage.volume_stores")
    typed = [VolumeStore(datastore="LocalDS_0/volumes", label="default"),
             VolumeStore(datastore="LocalDS_0/new", label="new")]
    value = merged_value(desc, stored.storage.volume_stores, typed)
    assert [v.datastore for v in value] == ["ds://LocalDS_0/volumes", "LocalDS_0/new"]
    after = copy.deepcopy(stored)
    after.storage.volume_stores = value
    assert merge(stored, after, partial=False).paths  # a change, and no "cannot be removed or moved"
