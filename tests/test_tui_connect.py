"""Connecting from the TUI: the trust prompt on first use, remembered like ssh's known hosts."""

from __future__ import annotations

import pytest

from tui.screens.connect import ConnectScreen
from tui.screens.trust import TrustScreen
from tui.screens.vch_list import VchListScreen
from tests.tui_pilot import async_test, make_app, sim_target, until

pytestmark = pytest.mark.timeout(60)


def trust_prompt(app):
    """The trust prompt once it is on screen with its content."""
    screen = app.screen
    return screen if isinstance(screen, TrustScreen) and screen.query("#sha256") else None


def list_shown(app) -> bool:
    screen = app.screen
    return isinstance(screen, VchListScreen) and bool(screen.query("#list-status")) and \
        "virtual container host" in str(screen.query_one("#list-status").render())


@pytest.fixture
def isos(tmp_path):
    from sim.isos import ensure_isos

    return ensure_isos(tmp_path / "isos")


@async_test
async def test_first_connect_asks_to_trust_and_remembers(sim, tmp_path, isos):
    app = make_app(sim_target(sim, thumbprint=""), tmp_path, isos)
    async with app.run_test(size=(80, 24)) as pilot:
        trust = await until(pilot, lambda: trust_prompt(app), what="trust prompt")
        shown = str(trust.query_one("#sha256").render()), str(trust.query_one("#sha1").render())
        # At 80 columns the SHA-256 thumbprint loses its colons to fit on one line (copied in one piece).
        assert [s.replace(":", "") for s in shown] == [sim.thumbprint_sha256.replace(":", ""),
                                                       sim.thumbprint_sha1.replace(":", "")]
        await pilot.click("#trust")
        await until(pilot, lambda: list_shown(app), what="the VCH list")
    assert sim.thumbprint_sha256 in (tmp_path / "known_hosts").read_text()

    again = make_app(sim_target(sim, thumbprint=""), tmp_path, isos)
    async with again.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: list_shown(again), what="the VCH list")
        assert not any(isinstance(s, TrustScreen) for s in again.screen_stack)


@async_test
async def test_refusing_the_certificate_does_not_connect(sim, tmp_path, isos):
    app = make_app(sim_target(sim, thumbprint=""), tmp_path, isos)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: trust_prompt(app), what="trust prompt")
        await pilot.click("#refuse")
        await until(pilot, lambda: isinstance(app.screen, ConnectScreen))
        assert "not trusted" in str(app.screen.query_one("#connect-status").render())
    assert not (tmp_path / "known_hosts").exists()


@async_test
async def test_changed_certificate_is_called_out(sim, tmp_path, isos):
    (tmp_path / "known_hosts").write_text(f"{sim.host}:{sim.port} {':'.join(['00'] * 32)}\n")
    app = make_app(sim_target(sim, thumbprint=""), tmp_path, isos)
    async with app.run_test(size=(80, 24)) as pilot:
        trust = await until(pilot, lambda: trust_prompt(app), what="trust prompt")
        assert "CHANGED" in str(trust.query_one(".dialog-title").render())


@async_test
async def test_wrong_password_is_shown(sim, tmp_path, isos):
    target = sim_target(sim)
    app = make_app(target, tmp_path, isos, auto=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#password").value = "wrong"
        await pilot.click("#connect")
        status = app.screen.query_one("#connect-status")
        await until(pilot, lambda: "Cannot connect" in str(status.render()), what="the error")
        assert isinstance(app.screen, ConnectScreen)
