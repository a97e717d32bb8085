"""A create whose undo fails too (issue 14): what is left is named with where it is and the command that removes
it, the marked resource pool and VM folder are kept so it stays findable, it is listed as the VCH being created,
and delete removes it: the inventory, the datastore, roles and permissions as before."""

from __future__ import annotations

import pytest

from tests.reliability_support import OPS_PASSWORD, OPS_USER, full_spec, listed, whole_picture
from vic_machine.errors import OperationFailed
from vic_machine.operations.create import create
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch


@pytest.fixture(scope="module")
def world(vch_world):
    return vch_world(users={OPS_USER: OPS_PASSWORD})


def failing_undo(sim, undone_before: str, method: str):
    """Power-on fails; then ``method`` fails once, in the first undo after the one named ``undone_before``
    ("" for the first undo of all)."""
    def sink(event) -> None:
        if event.kind == "step" and event.message == event.step == "Power on":
            sim.faults.inject("PowerOnVM_Task", "InvalidState", count=1)
            if not undone_before:
                sim.faults.inject(method, "InvalidArgument", count=1, task=method.endswith("_Task"))
        if undone_before and event.kind == "undo" and undone_before in event.step:
            sim.faults.inject(method, "InvalidArgument", count=1, task=method.endswith("_Task"))
    return sink


CASES = [
    ("the DRS VM group", "", "ReconfigureComputeResource_Task", "DRS VM group"),
    ("the VM folder", "endpoint VM", "Destroy_Task", "VM folder"),
    ("an uploaded ISO", "bootstrap.iso", "DeleteDatastoreFile_Task", "file [LocalDS_0]"),
    ("the endpoint VM's datastore folder", "appliance.iso", "DeleteDatastoreFile_Task", "endpoint VM"),
    ("a volume store folder", "DRS VM group", "DeleteDatastoreFile_Task", "folder [LocalDS_0]"),
]


@pytest.mark.parametrize(("what", "after", "method", "left"), CASES, ids=[c[0] for c in CASES])
def test_what_a_failed_undo_leaves_is_findable_and_delete_removes_it(world, tmp_path, what, after, method, left):
    session, sim = world.session, world.sim
    name = f"left-{abs(hash(what)) % 10000}"
    before = whole_picture(session)
    try:
        with pytest.raises(OperationFailed) as failed:
            create(session, full_spec(name), isos=world.isos, timeout=20, cert_dir=str(tmp_path / name),
                   sink=failing_undo(sim, after, method))
    finally:
        sim.faults.reset()
    assert failed.value.step == "Power on"
    lines = failed.value.left
    assert any(line.startswith(left) for line in lines), lines
    # Each names where it is and what removes it; the marked pool and folder are kept, to stay findable.
    assert all("vic-machine delete" in line or "vSphere Client" in line for line in lines), lines
    assert any(line.startswith(f"resource pool {name} (in /DC0/host/DC0_C0): kept") for line in lines), lines
    [entry] = listed(session, name)
    assert entry.upgrade_status == "Being created", entry
    delete_vch(session, find_vch(session, name=name, remnants=True), force=True, delete_volumes=True)
    assert listed(session, name) == []
    assert whole_picture(session) == before
