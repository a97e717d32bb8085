"""Every step of create on an ESXi host, failed by an injected fault (or a failed upload), leaves the inventory,
the datastore and the host's networking exactly as before (a bridge switch made before a failed port group
included), and the error names the step and the fault."""

from __future__ import annotations

import pytest

from tests.esxi_support import esxi_picture, esxi_spec, esxi_world  # noqa: F401
from tests.test_create_rollback import at_step
from vic_machine.errors import OperationFailed
from vic_machine.operations import upload
from vic_machine.operations.create import create
from vic_machine.spec.model import VolumeStore


def full_spec(name: str):
    """Every step an ESXi create has: a bridge network to make and a volume store (two new folder levels)."""
    spec = esxi_spec(name, "no-tlsverify")
    spec.storage.volume_stores = [VolumeStore(datastore=f"LocalDS_0/{name}-vols/default", label="default")]
    return spec


FAULTS = [
    ("Create resource pool", "CreateResourcePool", False),
    ("Create bridge network", "AddVirtualSwitch", False),
    ("Create bridge network", "AddPortGroup", False),
    ("Create endpoint VM", "CreateVM_Task", True),
    ("Create volume stores", "MakeDirectory", False),
    ("Record VCH id", "ReconfigVM_Task", True),
    ("Power on", "PowerOnVM_Task", True),
]


@pytest.mark.parametrize(("step", "method", "task"), FAULTS, ids=[f[1] for f in FAULTS])
def test_fault_in_step_rolls_everything_back(esxi_world, tmp_path, step, method, task):
    sim, session, isos = esxi_world.sim, esxi_world.session, esxi_world.isos
    before = esxi_picture(session)
    sink = at_step(step, lambda: sim.faults.inject(method, "InvalidArgument", count=1, task=task))
    try:
        with pytest.raises(OperationFailed) as failed:
            create(session, full_spec(f"rb-{method.lower().replace('_', '-')[:20]}"), isos=isos, timeout=5,
                   sink=sink, cert_dir=str(tmp_path / "certs"))
    finally:
        sim.faults.reset()
    assert failed.value.step == step
    assert "InvalidArgument" in str(failed.value)
    assert failed.value.left == []
    assert esxi_picture(session) == before
    assert not (tmp_path / "certs").exists()


def test_failed_upload_is_rolled_back(esxi_world, monkeypatch):
    session = esxi_world.session
    before = esxi_picture(session)

    def refuse(*args, **kwargs):
        raise ConnectionResetError("connection reset by peer")

    monkeypatch.setattr(upload, "_send", refuse)
    monkeypatch.setattr(upload, "RETRY_DELAYS", (0.01,))
    with pytest.raises(OperationFailed) as failed:
        create(session, full_spec("rb-upload"), isos=esxi_world.isos, timeout=5)
    assert failed.value.step == "Upload ISOs" and failed.value.left == []
    assert esxi_picture(session) == before


def test_failed_wait_is_rolled_back(esxi_world):
    session = esxi_world.session
    before = esxi_picture(session)
    esxi_world.stand_in.stop()  # no guest answers: the Docker API never comes up
    try:
        with pytest.raises(OperationFailed) as failed:
            create(session, full_spec("rb-wait"), isos=esxi_world.isos, timeout=1)
    finally:
        esxi_world.stand_in.start()
    assert failed.value.step == "Wait for the Docker API" and failed.value.left == []
    assert esxi_picture(session) == before
