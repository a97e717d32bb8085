"""A closed terminal (SIGHUP), ``kill`` (SIGTERM) or ``kill -INT`` during a create in ``vic-tui``: the create is
cancelled, undone to the end, and only then does the TUI quit; vCenter holds nothing of the VCH (issue 14).

``vic-tui`` runs in a pseudo-terminal of its own, as in a terminal window; closing the terminal's master side is
what closing that window does.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import signal
import struct
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from tests.support import session_for
from vic_machine.inventory import take_snapshot
from vic_machine.operations.ls import list_vchs

pytestmark = pytest.mark.timeout(180)
CHILD = Path(__file__).with_name("tui_signal_child.py")
HOLD_AT = "Wait for the Docker API"  # the VCH is powered on: it would list as running if left


@pytest.fixture(scope="module")
def world(vch_world):
    return vch_world()


class Terminal:
    """A pseudo-terminal running ``python tests/tui_signal_child.py``, its output drained so it never blocks."""

    def __init__(self, args: dict) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(CHILD.parents[1])}
        self.pid, self.master = pty.fork()
        if self.pid == 0:  # the child: the terminal's session leader, as a shell started by a terminal is
            os.execve(sys.executable, [sys.executable, str(CHILD), json.dumps(args)], env)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.closed = False
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while not self.closed:
            try:
                if not os.read(self.master, 65536):
                    return
            except OSError:
                return

    def hang_up(self) -> None:
        self.closed = True
        os.close(self.master)

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.1)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError(f"vic-tui did not quit within {timeout:.0f} s")


def vch_pieces(sim, name: str) -> list[str]:
    """What vCenter holds of the VCH ``name``: listed VCHs, VMs or pools by that name."""
    session = session_for(sim)
    try:
        inventory = take_snapshot(session)
        found = [f"VCH {v.name}" for v in list_vchs(session) if v.name == name]
        found += [f"name in use: {name}"] if name in inventory.names_in_use else []
        found += [f"pool {n.path}" for n in inventory.compute_nodes() if n.name == name]
        return found
    finally:
        session.logout()


@pytest.mark.parametrize("how", ["hang-up", "SIGTERM", "SIGINT"])
def test_a_signal_during_create_undoes_it_before_vic_tui_quits(world, tmp_path, fresh_name, how):
    sim = world.sim
    name = fresh_name("tui-sig")
    held, result = tmp_path / "held", tmp_path / "result.json"
    terminal = Terminal({
        "name": name, "hold_at": HOLD_AT, "held": str(held), "result": str(result), "config": str(tmp_path),
        "isos": [world.isos.appliance.path, world.isos.bootstrap.path],
        "target": f"https://{sim.host}:{sim.port}", "user": sim.username, "password": sim.password,
        "thumbprint": sim.thumbprint_sha256,
    })
    deadline = time.monotonic() + 90
    while not held.exists():
        assert time.monotonic() < deadline, "the create never reached its power-on wait"
        assert os.waitpid(terminal.pid, os.WNOHANG)[0] == 0, "vic-tui quit before the create got there"
        time.sleep(0.1)
    assert vch_pieces(sim, name), "the create had made nothing to undo"

    if how == "hang-up":
        terminal.hang_up()
        expected = signal.SIGHUP
    else:
        expected = getattr(signal, how)
        os.kill(terminal.pid, expected)
    code = terminal.wait(120)
    if not terminal.closed:
        terminal.hang_up()

    assert code == 128 + expected, f"vic-tui exited with {code}"
    ended = json.loads(result.read_text())
    assert ended["finished"] and ended["outcome"] == "cancelled", ended
    assert "Left behind" not in ended["text"], ended["text"]
    assert vch_pieces(sim, name) == []
