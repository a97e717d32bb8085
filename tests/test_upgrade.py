"""``vic-machine upgrade`` on the simulator with the appliance stand-in: to v1.5.9 and back with --rollback, only
the newest upgrade snapshot kept, the UpdateInProgress mark refusing a concurrent upgrade, --reset-progress."""

from __future__ import annotations

import json
import threading
import time

import pytest

from tests.upgrade_support import make_vch, observed, set_lock, start_env, vch_files
from vic_machine.cli.main import main
from vic_machine.errors import Conflict
from vic_machine.operations.find import find_vch
from vic_machine.operations.upgrade import upgrade


@pytest.fixture(scope="module")
def env(vch_world, tmp_path_factory):
    return start_env(vch_world, tmp_path_factory)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_upgrade_then_rollback_from_the_cli(env, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    vch = make_vch(env, "up-cli")
    before = observed(env, vch)
    assert before["status"] == "Upgradeable to v1.5.9-1-sim" and before["version"] == "v1.5.8-0-sim"

    code, out, err = run(capsys, "upgrade", *env.target, *env.iso_args(env.new), "--name", "up-cli",
                         "--timeout", "20s")
    assert code == 0, err
    assert "upgraded from v1.5.8-0-sim to v1.5.9-1-sim" in out
    after = observed(env, vch)
    assert (after["version"], after["status"], after["power"]) == ("v1.5.9-1-sim", "Up to date", "poweredOn")
    assert after["iso"] == "[LocalDS_0] up-cli/v1.5.9-1-sim-appliance.iso"
    assert after["snapshots"] == ["upgrade for 1"] and after["locked"] is False
    assert after["config"].container.bootstrap_image_path == "[LocalDS_0] up-cli/v1.5.9-1-sim-bootstrap.iso"
    # Everything but the version and the bootstrap image is kept.
    assert after["config"].network == before["config"].network
    assert after["config"].certificate == before["config"].certificate
    assert after["config"].executor.sessions == before["config"].executor.sessions
    assert after["config"].client_ip is not None and after["config"].components_started

    code, out, _ = run(capsys, "ls", *env.target, "--appliance-iso", env.new.appliance.path, "--output", "json")
    [listed] = [v for v in json.loads(out)["vchs"] if v["name"] == "up-cli"]
    assert listed["version"] == "v1.5.9-1-sim" and listed["upgrade_status"] == "Up to date"

    # Again to the same version: refused, nothing changed.
    code, _, err = run(capsys, "upgrade", *env.target, *env.iso_args(env.new), "--name", "up-cli")
    assert code == 1 and "already at version v1.5.9-1-sim" in err
    assert observed(env, vch)["snapshots"] == ["upgrade for 1"]

    code, out, err = run(capsys, "upgrade", *env.target, *env.iso_args(env.new), "--name", "up-cli", "--rollback",
                         "--timeout", "20s")
    assert code == 0, err
    assert "rolled back from v1.5.9-1-sim to v1.5.8-0-sim" in out
    back = observed(env, vch)
    assert (back["version"], back["status"], back["power"]) == ("v1.5.8-0-sim", "Upgradeable to v1.5.9-1-sim",
                                                                 "poweredOn")
    assert back["iso"] == before["iso"] and back["snapshots"] == [] and back["locked"] is False
    assert back["config"] == before["config"]
    assert "[LocalDS_0] up-cli/v1.5.9-1-sim-appliance.iso" not in vch_files(env, "up-cli")

    code, _, err = run(capsys, "upgrade", *env.target, *env.iso_args(env.new), "--name", "up-cli", "--rollback")
    assert code == 1 and "no version from before an upgrade" in err


def test_only_the_newest_upgrade_snapshot_is_kept(env):
    vch = make_vch(env, "up-twice")
    upgrade(env.session, vch, isos=env.new, timeout=20)
    vch = find_vch(env.session, vch_id=vch.id, iso=env.newer.appliance)
    assert vch.upgrade_status == "Upgradeable to v1.5.10-2-sim"
    upgrade(env.session, vch, isos=env.newer, timeout=20)
    after = observed(env, vch)
    assert after["snapshots"] == ["upgrade for 2"] and after["version"] == "v1.5.10-2-sim"
    # Rolling back returns to the version just before, v1.5.9.
    result = upgrade(env.session, find_vch(env.session, vch_id=vch.id), isos=env.newer, timeout=20, rollback=True)
    assert result.to_version == "v1.5.9-1-sim"
    assert observed(env, vch)["version"] == "v1.5.9-1-sim"


def test_a_stale_mark_refuses_and_reset_progress_clears_it(env, capsys):
    vch = make_vch(env, "up-stale")
    set_lock(env, vch, "true")
    assert observed(env, vch)["status"] == "Upgrade in progress"

    code, _, err = run(capsys, "upgrade", *env.target, *env.iso_args(env.new), "--name", "up-stale")
    assert code == 1
    assert "in progress" in err and "--reset-progress" in err
    assert observed(env, vch)["snapshots"] == [] and observed(env, vch)["version"] == "v1.5.8-0-sim"

    code, out, err = run(capsys, "upgrade", *env.target, *env.iso_args(env.new), "--name", "up-stale",
                         "--reset-progress")
    assert code == 0, err
    assert "Reset the UpdateInProgress mark" in out
    cleared = observed(env, vch)
    assert cleared["locked"] is False and cleared["status"] == "Upgradeable to v1.5.9-1-sim"
    assert cleared["version"] == "v1.5.8-0-sim"  # --reset-progress only clears the mark, as in VIC


def test_a_concurrent_upgrade_is_refused_by_the_mark(env, capsys):
    vch = make_vch(env, "up-race")
    env.sim.faults.delay("PowerOnVM_Task", 1500)  # keeps the first upgrade running for a while
    outcome: dict = {}
    first = threading.Thread(target=lambda: outcome.setdefault(
        "result", upgrade(env.session, vch, isos=env.new, timeout=20)))
    first.start()
    deadline = time.monotonic() + 10
    while not observed(env, vch)["locked"] and time.monotonic() < deadline:
        time.sleep(0.05)

    with pytest.raises(Conflict, match="in progress"):
        upgrade(env.session, find_vch(env.session, vch_id=vch.id, iso=env.new.appliance), isos=env.new, timeout=20)
    code, _, err = run(capsys, "upgrade", *env.target, *env.iso_args(env.new), "--id", vch.id)
    assert code == 1 and "in progress" in err

    first.join(30)
    assert outcome["result"].to_version == "v1.5.9-1-sim"
    done = observed(env, vch)
    assert done["version"] == "v1.5.9-1-sim" and done["locked"] is False
