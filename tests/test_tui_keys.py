"""Keyboard-first at 80×24, against the stub backend: help on ?, a footer that keeps Help and Quit, the help of
the focused field, prompts whose safe choice has the focus, Esc asking before a wizard's values are lost.

Screens are found by type name where the class is new, so each test fails on its own against an older TUI."""

from __future__ import annotations

import pytest
from textual.widgets import Collapsible, Input

from tests.tui_pilot import async_test, editor, footer_keys, settled
from tests.tui_stub import StubApp, inventory
from tui.screens.confirm import ConfirmScreen
from tui.screens.delete_vch import DeleteScreen
from tui.screens.trust import TrustScreen
from tui.screens.vch_list import VchListScreen
from tui.screens.wizard import WizardScreen
from tui.widgets.compute_tree import ComputeTree

pytestmark = pytest.mark.timeout(60)
SIZE = (80, 24)


def wizard(stub):
    return WizardScreen(stub, inventory())


@async_test
async def test_question_mark_lists_every_key_of_the_list():
    app = StubApp()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        text = str(app.screen.query_one("#help-text").render())
        # Keys not in the footer are listed too, with Quit and the theme.
        for key, what in (("e", "Enable SSH"), ("s", "Save client certificates"), ("l", "Deployment log"),
                          ("r", "Refresh"), ("n", "New VCH"), ("d", "Delete"), ("^q", "Quit"),
                          ("^t", "Light/dark theme")):
            assert any(line.split()[:1] and key in line and what in line for line in text.splitlines()), (key, text)
        await pilot.press("escape")
        assert isinstance(app.screen, VchListScreen)


@async_test
async def test_f1_opens_the_help_where_question_mark_is_typed():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, WizardScreen)  # typed into the Name field
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        text = str(app.screen.query_one("#help-text").render())
        assert "Next" in text and "Re-check" in text and "Cancel" in text


@pytest.mark.parametrize("opener", [None, wizard], ids=["list", "wizard"])
@async_test
async def test_the_footer_keeps_help_and_quit_at_80_columns(opener):
    app = StubApp(opener)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        shown = footer_keys(app)
        names = [description for _, description, _ in shown]
        assert "Help" in names and "Quit" in names, shown
        assert all(right <= SIZE[0] for *_, right in shown), shown


@async_test
async def test_field_help_follows_the_focus():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        bar = app.screen.query_one("#field-help")
        assert bar.shown.startswith("Name —")
        await pilot.press("tab")
        await pilot.pause()
        assert bar.shown.startswith("Syslog server —"), bar.shown
        assert "resource pool, folder" not in bar.shown


@async_test
async def test_escape_asks_before_losing_values_and_keep_is_the_default():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        editor(app, "name").value = "typed"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the focused choice keeps the wizard
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen) and editor(app, "name").value == "typed"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("tab", "enter")  # Tab does not wrap onto Discard
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)


@async_test
async def test_escape_closes_an_untouched_wizard_at_once():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, VchListScreen)


@async_test
async def test_compute_step_has_a_highlighted_row_and_enter_chooses_it():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        app.screen.go(1)
        await settled(pilot)
        tree = app.screen.query_one(ComputeTree)
        assert app.focused is tree and tree.cursor_node is not None
        await pilot.press("enter")
        assert tree.chosen is not None and tree.chosen.name == "DC0_C0"


@async_test
async def test_delete_dialog_tab_then_enter_keeps_the_vch_and_its_volumes():
    app = StubApp()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        results = []
        app.push_screen(DeleteScreen("vch-prod"), results.append)
        await pilot.pause()
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert results == [None]  # kept
        app.push_screen(DeleteScreen("vch-prod"), results.append)
        await pilot.pause()
        await pilot.press("tab", "tab", "tab", "enter")
        await pilot.pause()
        assert results == [None, None]


@async_test
async def test_confirmations_focus_the_safe_choice():
    app = StubApp()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        results = []
        app.push_screen(ConfirmScreen("Upgrade?", "text", "Upgrade", warn=True), results.append)
        await pilot.pause()
        assert app.focused.id == "keep"
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert results == [False]


@async_test
async def test_trust_prompt_focuses_do_not_trust():
    app = StubApp()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        results = []
        app.push_screen(TrustScreen("vc", ":".join(["AB"] * 32), ":".join(["CD"] * 20)), results.append)
        await pilot.pause()
        assert app.focused.id == "refuse"
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert results == [False]


@async_test
async def test_checkboxes_show_x_only_when_ticked():
    app = StubApp()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        app.push_screen(DeleteScreen("vch-prod"))
        await pilot.pause()
        box = app.screen.query_one("#volumes")
        assert "X" not in str(box.render()).split("Also")[0]
        box.value = True
        await pilot.pause()
        assert "X" in str(box.render()).split("Also")[0]


@async_test
async def test_networks_step_hides_advanced_fields_until_asked():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        app.screen.go(3)
        await settled(pilot)
        form = app.screen.form("networks")
        advanced = form.query_one(Collapsible)
        assert advanced.collapsed
        visible = [row.path for row in form.query("FieldRow").results() if row.region.height]
        assert "network.bridge.port_group" in visible and "network.public.port_group" in visible
        assert not any(p.startswith(("network.client.", "network.management.", "network.container"))
                       for p in visible)
        assert len(visible) <= 9, visible


@async_test
async def test_an_open_dropdown_is_framed():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        app.screen.go(3)
        await settled(pilot)
        picker = editor(app, "network.bridge.port_group")
        picker.focus()
        await pilot.press("enter")
        await pilot.pause()
        overlay = picker.query_one("SelectOverlay")
        assert overlay.styles.border_top[0] not in ("", "none", "hidden")


@async_test
async def test_text_fields_of_the_wizard_take_question_marks():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        editor(app, "name").value = ""
        await pilot.press("question_mark")
        assert app.screen.query_one("#step-general Input", Input).value == "?"


@async_test
async def test_quit_asks_when_a_wizard_has_values():
    app = StubApp(wizard)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        editor(app, "name").value = "typed"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen) and app.is_running
