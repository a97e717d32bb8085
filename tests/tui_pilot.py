"""Helpers for driving the TUI with Textual's pilot against the simulator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.runner import Simulator
from vic_machine.target import Target, parse_target

from tui.app import VicTui
from tui.backend import Backend
from tui.known_hosts import KnownHosts
from tui.widgets.field_row import FieldRow


def sim_target(sim: Simulator, thumbprint: str | None = None) -> Target:
    return parse_target(f"https://{sim.host}:{sim.port}", user=sim.username, password=sim.password,
                        thumbprint=sim.thumbprint_sha256 if thumbprint is None else thumbprint, env={})


def make_app(target: Target, config: Path, isos: tuple[Path, Path], *, backend_class: type = Backend,
             auto: bool = True) -> VicTui:
    """The app as ``vic-tui`` builds it, its known hosts and certificates under ``config``."""
    return VicTui(target, auto_connect=auto, known_hosts=KnownHosts(config / "known_hosts"),
                  open_backend=lambda t: backend_class.connect(t, isos=isos, cert_root=config / "certs"))


async def show_step(pilot: Any, app: VicTui, step_id: str) -> None:
    """Go to a wizard step as Next and Back do (without the check), once its fields are mounted."""
    screen = app.screen
    screen.go([step["id"] for step in screen.steps].index(step_id))
    await until(pilot, lambda: step_id not in screen.forms or screen.forms[step_id].initial is not None,
                what=f"the wizard's {step_id} step")


async def to_field(pilot: Any, app: VicTui, path: str) -> None:
    """Go to the wizard step holding the field at ``path``, as a user would before typing into it."""
    step = next(step["id"] for step in app.screen.steps if any(d["path"] == path for d in step["fields"]))
    if step != app.screen.step_id:
        await show_step(pilot, app, step)


async def create_from_summary(pilot: Any, app: VicTui) -> str:
    """Create (Ctrl-N on the wizard's Summary), wait for the create to end, check it made the VCH; its outcome text."""
    from tui.screens.progress import ProgressScreen

    await pilot.press("ctrl+n")
    progress = await until(pilot, lambda: isinstance(app.screen, ProgressScreen) and app.screen,
                           what="the progress screen")
    await until(pilot, lambda: progress.finished, timeout=60, what="the create to finish")
    outcome = str(progress.query_one("#outcome").render())
    assert progress.outcome == "created", outcome
    assert "DOCKER_HOST=" in outcome
    return outcome


async def until(pilot: Any, condition: Callable[[], Any], timeout: float = 30.0, what: str = "") -> Any:
    """Let the app run until ``condition()`` is true; fail with ``what`` (and the screen) after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            # Let what the change queued (mount callbacks, watchers) run before the test acts or leaves.
            await pilot.pause()
            return value
        await pilot.pause(0.05)
    shown = [f"{row.path}: {row.query_one('.field-message').render()}"
             for row in pilot.app.screen.query(FieldRow).results() if row.has_error]
    raise AssertionError(f"timed out waiting for {what or condition} on {pilot.app.screen!r}; errors shown: {shown}")


def editor(app: VicTui, path: str) -> Any:
    """The editor widget of the field at ``path`` on the current screen."""
    rows = [row for row in app.screen.query(FieldRow).results() if row.path == path]
    assert rows, f"no field {path} on {app.screen!r}"
    return rows[0].editor


def messages(app: VicTui, path: str) -> str:
    """What is shown beside the field at ``path`` (errors and warnings)."""
    row = next(row for row in app.screen.query(FieldRow).results() if row.path == path)
    return str(row.query_one(".field-message").render())


async def idle(pilot: Any) -> None:
    await pilot.pause()
    await asyncio.sleep(0)


def async_test(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run an async test in its own event loop (no pytest async plugin needed); fixtures pass through."""
    import functools

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(fn(*args, **kwargs))

    return run


def footer_keys(app: VicTui) -> list[tuple[str, str, int]]:
    """The footer's keys as shown: key, description and the column just right of it."""
    from textual.widgets._footer import FooterKey

    return [(key.key_display, key.description, key.region.right)
            for key in app.screen.query(FooterKey).results() if key.region.width]


async def settled(pilot: Any) -> None:
    """Every worker done and what it queued shown."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
