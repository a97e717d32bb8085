"""An upgrade made to fail at each step leaves the VCH running its old version with its old configuration.

Faults are injected when the step starts (the plan announces each step to the sink before running it), on the
vSphere method that step calls; the upload, which is HTTP rather than SOAP, fails in its transport.
"""

from __future__ import annotations

import time

import pytest

from tests.upgrade_support import make_vch, observed, start_env, vch_files
from vic_machine.errors import OperationFailed
from vic_machine.operations import upload
from vic_machine.operations.find import find_vch
from vic_machine.operations.upgrade import upgrade
from vic_machine.operations.wait import read_config


@pytest.fixture(scope="module")
def env(vch_world, tmp_path_factory):
    return start_env(vch_world, tmp_path_factory)


@pytest.fixture(scope="module")
def vch(env):
    return make_vch(env, "up-fail")


@pytest.fixture
def faults(env):
    """Fault injection on this module's simulator; every rule removed afterwards."""
    env.sim.faults.reset()
    yield env.sim.faults
    env.sim.faults.reset()


def _guest_saw_power_off(env, vch) -> None:
    """Let the stand-in finish its own write at power-off, so the injected fault is ours to meet."""
    deadline = time.monotonic() + 5
    while read_config(env.session, vch.vm).client_ip is not None and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.parametrize("step, method", [
    ("Take the upgrade snapshot", "CreateSnapshot_Task"),
    ("Power off", "PowerOffVM_Task"),
    ("Switch the ISO and configuration", "ReconfigVM_Task"),
    ("Power on", "PowerOnVM_Task"),
    ("Wait for the VCH", "RetrievePropertiesEx"),
])
def test_a_fault_at_a_step_reverts_the_upgrade(env, vch, faults, step, method):
    before = observed(env, vch)
    files = vch_files(env, "up-fail")
    events = []

    def sink(event):
        events.append(event)
        if event.kind == "step" and event.message == step:
            if method == "ReconfigVM_Task":
                _guest_saw_power_off(env, vch)
            faults.inject(method, "InvalidState", message=f"injected at {step}")

    with pytest.raises(OperationFailed) as failed:
        upgrade(env.session, find_vch(env.session, vch_id=vch.id, iso=env.new.appliance), isos=env.new,
                timeout=20, sink=sink)
    assert failed.value.step == step and "InvalidState" in str(failed.value)
    assert failed.value.left == []
    assert any(e.kind == "undo" and "upgrade mark" in e.message for e in events)

    # The reverted VCH boots again: its guest side reports addresses and components a moment later, as a real
    # appliance does; on a busy machine that moment can follow the end of the upgrade.
    deadline = time.monotonic() + 15
    after = observed(env, vch)
    while after != before and time.monotonic() < deadline:
        time.sleep(0.2)
        after = observed(env, vch)
    assert after == before  # same version, ISO, status, no snapshot, no mark, same decoded configuration
    assert after["power"] == "poweredOn" and after["config"].components_started
    assert vch_files(env, "up-fail") == files  # the uploaded v1.5.9 ISOs are gone again


def test_a_failed_upload_leaves_nothing(env, vch, monkeypatch):
    before = observed(env, vch)
    files = vch_files(env, "up-fail")
    monkeypatch.setattr(upload, "RETRY_DELAYS", ())
    calls = []

    def broken(session, url_path, body, size):
        calls.append(url_path)
        if len(calls) == 2:  # the appliance ISO arrives, the bootstrap ISO does not
            raise OSError("connection reset (injected)")
        return real(session, url_path, body, size)

    real = upload._send
    monkeypatch.setattr(upload, "_send", broken)
    with pytest.raises(OperationFailed) as failed:
        upgrade(env.session, find_vch(env.session, vch_id=vch.id, iso=env.new.appliance), isos=env.new,
                timeout=20)
    assert failed.value.step == "Upload ISOs" and "injected" in str(failed.value)
    assert observed(env, vch) == before
    assert vch_files(env, "up-fail") == files
