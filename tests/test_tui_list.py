"""The VCH list against the stub backend: every action the browser offers on a VCH (Enter lists them), Enable
SSH, containers, the Docker environment, natural order, and a list that refreshes itself unless a modal is open."""

from __future__ import annotations

import pytest

from tests.tui_pilot import async_test, footer_keys, settled, until
from tests.tui_stub import StubApp, StubBackend
from tui.backend import VchRow
from tui.screens.vch_list import VchListScreen

pytestmark = pytest.mark.timeout(60)
SIZE = (80, 24)


def named(name: str) -> VchRow:
    return VchRow(f"vm-{name}", name, "running", "127.1.0.9:2376", "v1.5.8-0-sim", "Up to date", "/DC0/host/DC0_C0")


@async_test
async def test_enter_lists_every_action_of_the_vch():
    app = StubApp()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ActionsScreen"
        labels = [str(app.screen.query_one("OptionList").get_option_at_index(i).prompt)
                  for i in range(app.screen.query_one("OptionList").option_count)]
        for what in ("Configure", "Enable SSH", "Copy Docker environment", "Containers", "Save client certificates",
                     "Deployment log", "Delete"):
            assert any(what in label for label in labels), labels
        assert "Configure" in labels[0] and "Delete" in labels[-1]  # the harmless first, highlighted
        await pilot.press("escape")
        assert isinstance(app.screen, VchListScreen)


@async_test
async def test_enable_ssh_from_the_list():
    app = StubApp()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert type(app.screen).__name__ == "EnableSshScreen"
        app.screen.query_one("#password").value = "s3cret!"
        await pilot.click("#apply")
        await until(pilot, lambda: "SSH is enabled" in str(app.screen.query_one("#ssh-status").render()),
                    what="the result")
        status = str(app.screen.query_one("#ssh-status").render())
        assert "root's password is changed" in status and "s3cret" not in status
        assert app.screen.query_one("#password").value == ""  # never kept on screen


@async_test
async def test_enable_ssh_says_what_to_do_when_asked_nothing():
    app = StubApp()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#ssh").value = False
        await pilot.click("#apply")
        await pilot.pause()
        assert "Tick Enable SSH or type a root password" in str(app.screen.query_one("#ssh-status").render())


@async_test
async def test_containers_of_the_vch_in_natural_order():
    app = StubApp()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("o")
        await settled(pilot)
        assert type(app.screen).__name__ == "ContainersScreen"
        table = app.screen.query_one("DataTable")
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == ["web-1", "web-2", "web-10"]


@async_test
async def test_copy_docker_environment():
    app = StubApp()
    copied = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("y")
        await settled(pilot)
        assert copied == ["export DOCKER_HOST=tcp://127.1.0.101:2376"]


@async_test
async def test_the_list_is_in_natural_order():
    stub = StubBackend(rows=[named("vch10"), named("vch2"), named("vch1")])
    app = StubApp(stub=stub)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert [r.name for r in app.screen.rows] == ["vch1", "vch2", "vch10"]


@async_test
async def test_the_list_refreshes_itself_unless_a_modal_is_open():
    stub = StubBackend()
    app = StubApp(stub=stub)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        screen = app.screen
        stub.rows.append(named("vch-new"))
        await until(pilot, lambda: any(r.name == "vch-new" for r in screen.rows), timeout=12,
                    what="the list refreshed by itself")
        await pilot.press("question_mark")  # a modal on top: no refresh meanwhile
        await pilot.pause()
        stub.rows.append(named("vch-later"))
        await pilot.pause(7)
        assert not any(r.name == "vch-later" for r in screen.rows)
        await pilot.press("escape")
        await until(pilot, lambda: any(r.name == "vch-later" for r in screen.rows), timeout=12)


@async_test
async def test_footer_without_vchs_offers_no_vch_actions():
    app = StubApp(stub=StubBackend(rows=[]))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        names = [d for _, d, _ in footer_keys(app)]
        assert "New VCH" in names and "Delete" not in names and "Configure" not in names


