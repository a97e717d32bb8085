"""``vic-machine`` in a process of its own, stopped part way (issue 14): a hang-up (SIGHUP, the terminal closed) or
SIGTERM during a create undoes it, the inventory and the datastore as before, even though nothing can be printed
any more; ``kill -9`` after the id step leaves a VCH listed as being created (not as a healthy one), which delete
removes; ``ls`` names what is left of a VCH whose delete stopped, and ``delete`` finishes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.reliability_support import at_step
from tests.vch_support import picture
from vic_machine.cli.main import main
from vic_machine.operations.delete import DeleteFailed, delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.ls import list_vchs

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def world(vch_world):
    # No appliance stand-in: a create then waits for the Docker API (step 11 of 12) until told to stop.
    return vch_world(appliance=False)


def start_create(world, name: str, cwd: Path) -> tuple[subprocess.Popen, list[str]]:
    args = [str(BIN / "vic-machine"), "create", *world.target_args, *world.iso_args, "--name", name,
            "--compute-resource", "DC0_C0", "--image-store", "LocalDS_0", "--bridge-network", "DC0_DVPG0",
            "--no-tlsverify", "--timeout", "2m"]
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return process, lines


def wait_line(process, lines: list[str], text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not any(text in line for line in lines):
        assert process.poll() is None, "\n".join(lines)
        assert time.monotonic() < deadline, "\n".join(lines)
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_hang_up_or_sigterm_during_create_undoes_it(world, tmp_path, signum):
    before = picture(world.session)
    name = f"sig-{signum.name.lower()}"
    process, lines = start_create(world, name, tmp_path)
    wait_line(process, lines, f"Powered on {name}")
    process.send_signal(signum)
    code = process.wait(60)
    assert code == 130, "\n".join(lines)
    assert picture(world.session) == before
    assert not (tmp_path / name).exists()
    if signum == signal.SIGTERM:  # the terminal is still there: it says what happened
        assert any("interrupted (SIGTERM)" in line for line in lines), "\n".join(lines)


def test_kill_after_the_id_step_leaves_a_vch_being_created_that_delete_removes(world, tmp_path, capsys):
    before = picture(world.session)
    process, lines = start_create(world, "sig-kill", tmp_path)
    wait_line(process, lines, "Powered on sig-kill")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)
    [vch] = [v for v in list_vchs(world.session) if v.name == "sig-kill"]
    # Not a healthy VCH: it is being created until its create finished, and never will now.
    assert (vch.state, vch.upgrade_status) == ("creating", "Being created")
    capsys.readouterr()
    assert main(["ls", *world.target_args]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "sig-kill" in line)
    assert "Being created" in row
    assert main(["delete", *world.target_args, "--name", "sig-kill", "--force"]) == 0
    assert picture(world.session) == before


def test_ls_names_what_is_left_and_delete_finishes_it(world, tmp_path, capsys):
    before = picture(world.session)
    process, lines = start_create(world, "sig-left", tmp_path)
    wait_line(process, lines, "Powered on sig-left")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)
    vch = find_vch(world.session, name="sig-left")
    with pytest.raises(DeleteFailed) as failed:
        delete_vch(world.session, vch, sink=at_step("Remove resource pool", lambda: world.sim.faults.inject(
            "Destroy_Task", "InvalidArgument", task=True)))
    world.sim.faults.reset()
    assert failed.value.left == ["resource pool sig-left"]
    capsys.readouterr()
    assert main(["ls", *world.target_args, "--output", "json"]) == 0
    [entry] = [v for v in json.loads(capsys.readouterr().out)["vchs"] if v["name"] == "sig-left"]
    assert (entry["id"], entry["upgrade_status"]) == (vch.id, "Being deleted")
    assert entry["left"] == ["resource pool /DC0/host/DC0_C0/Resources/sig-left"]
    assert main(["ls", *world.target_args]) == 0
    out = capsys.readouterr()
    assert any(vch.id in line and "Being deleted" in line for line in out.out.splitlines()), out.out
    assert f"vic-machine delete --id {vch.id}" in out.err and "resource pool /DC0/host/DC0_C0/Resources/sig-left" \
        in out.err
    assert main(["delete", *world.target_args, "--id", vch.id]) == 0
    assert picture(world.session) == before
