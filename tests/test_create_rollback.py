"""Every step of create, failed by an injected vSphere fault (or a failed upload, a cancel, a Ctrl-C), leaves the
inventory and the datastore exactly as before, and the error names the step and the fault."""

from __future__ import annotations

import threading

import pytest

from tests.vch_support import picture, vch_spec
from vic_machine.errors import Cancelled, OperationFailed
from vic_machine.operations import upload
from vic_machine.operations.create import create
from vic_machine.spec.model import VolumeStore


@pytest.fixture(scope="module")
def env(vch_world):
    world = vch_world(appliance=False)
    return world.sim, world.session, world.isos


def full_spec(name: str):
    """Every optional step on: volume store (two new folder levels) and DRS VM group."""
    spec = vch_spec(name, "no-tlsverify")
    spec.storage.volume_stores = [VolumeStore(datastore=f"LocalDS_0/{name}-vols/default", label="default")]
    spec.compute.affinity.use_vm_group = True
    return spec


def at_step(step: str, action):
    """A sink that runs ``action`` when ``step`` starts."""
    def sink(event):
        if event.kind == "step" and event.step == step and event.message == step:
            action()
    return sink


FAULTS = [
    ("Create resource pool", "CreateResourcePool", False),
    ("Create VM folder", "CreateFolder", False),
    ("Create endpoint VM", "CreateVM_Task", True),
    ("Create volume stores", "MakeDirectory", False),
    ("Create DRS VM group", "ReconfigureComputeResource_Task", True),
    ("Record VCH id", "ReconfigVM_Task", True),
    ("Power on", "PowerOnVM_Task", True),
]


@pytest.mark.parametrize(("step", "method", "task"), FAULTS, ids=[f[1] for f in FAULTS])
def test_fault_in_step_rolls_everything_back(env, tmp_path, step, method, task):
    sim, session, isos = env
    before = picture(session)
    sink = at_step(step, lambda: sim.faults.inject(method, "InvalidArgument", count=1, task=task))
    try:
        with pytest.raises(OperationFailed) as failed:
            create(session, full_spec(f"rb-{method.lower().replace('_', '-')[:20]}"), isos=isos, timeout=5, sink=sink,
                   cert_dir=str(tmp_path / "certs"))
    finally:
        sim.faults.reset()
    assert failed.value.step == step
    assert "InvalidArgument" in str(failed.value)
    assert failed.value.left == []
    assert picture(session) == before
    assert not (tmp_path / "certs").exists()


def test_failed_upload_is_retried_then_rolled_back(env, tmp_path, monkeypatch):
    sim, session, isos = env
    before = picture(session)
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(1)
        raise ConnectionResetError("connection reset by peer")

    monkeypatch.setattr(upload, "_send", refuse)
    monkeypatch.setattr(upload, "RETRY_DELAYS", (0.01, 0.01))
    with pytest.raises(OperationFailed) as failed:
        create(session, full_spec("rb-upload"), isos=isos, timeout=5)
    assert failed.value.step == "Upload ISOs" and "connection reset" in str(failed.value)
    assert len(attempts) == 3
    assert picture(session) == before


def test_cancel_rolls_back(env):
    sim, session, isos = env
    before = picture(session)
    cancel = threading.Event()
    with pytest.raises(OperationFailed) as failed:
        create(session, full_spec("rb-cancel"), isos=isos, timeout=5, cancel_event=cancel,
               sink=at_step("Create volume stores", cancel.set))
    assert isinstance(failed.value.cause, Cancelled)
    assert "endpoint VM rb-cancel" in failed.value.undone
    assert picture(session) == before


@pytest.mark.parametrize("where", ["inside a step", "between steps"])
def test_ctrl_c_rolls_back(env, where):
    sim, session, isos = env
    before = picture(session)

    def interrupt(event):
        inside = where == "inside a step" and event.kind == "step" and event.message.startswith("Created VM folder")
        between = where == "between steps" and event.kind == "done" and event.step == "Create endpoint VM"
        if inside or between:
            raise KeyboardInterrupt

    with pytest.raises(OperationFailed) as failed:
        create(session, full_spec("rb-ctrl-c"), isos=isos, timeout=5, sink=interrupt)
    assert isinstance(failed.value.cause, Cancelled)
    assert picture(session) == before
