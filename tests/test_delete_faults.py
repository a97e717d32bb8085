"""A fault at each step of delete, in every vSphere method that step calls: what is left of the VCH is listed (as
being deleted), the error names it, and a second delete leaves the inventory, the datastore, the roles and
permissions exactly as before the VCH was created (issue 14).

The methods are those a clean delete of the same VCH calls, step by step, recorded through the session's stub;
each is failed once, at the start of its step (a ``*_Task`` method as a task ending in error)."""

from __future__ import annotations

import pytest

from tests.reliability_support import (OPS_PASSWORD, OPS_USER, MethodRecorder, at_step, left_after, listed,
                                       make_full_vch, whole_picture)
from vic_machine.errors import VicError
from vic_machine.operations.delete import DeleteFailed, delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.ls import list_vchs
from vic_machine.operations.remnants import remove_leftovers

BEFORE = "(before the first step)"


@pytest.fixture(scope="module")
def world(vch_world):
    return vch_world(users={OPS_USER: OPS_PASSWORD})


@pytest.fixture(scope="module")
def methods(world, tmp_path_factory):
    """(step, method) for every vSphere method a clean delete of a full VCH calls."""
    session = world.session
    make_full_vch(session, world.isos, "rel-probe", tmp_path_factory.mktemp("certs"))
    vch = find_vch(session, name="rel-probe")
    with MethodRecorder(session) as recorder:
        delete_vch(session, vch, force=True, delete_volumes=True, sink=recorder.sink)
    return recorder.pairs()


def delete_with_fault(world, tmp_path, step: str, method: str, name: str) -> dict:
    """Create a full VCH, delete it with ``method`` failing once in ``step``, then delete again. What happened."""
    session, sim = world.session, world.sim
    before = whole_picture(session)
    make_full_vch(session, world.isos, name, tmp_path)
    vch = find_vch(session, name=name)

    def inject():
        sim.faults.inject(method, "InvalidArgument", count=1, task=method.endswith("_Task"))

    if step == BEFORE:
        inject()
    outcome = {"step": step, "method": method, "failed": False, "error": "", "left": [], "listed": None,
               "warnings": [], "remedies": []}
    try:
        result = delete_vch(session, vch, force=True, delete_volumes=True, sink=at_step(step, inject))
        outcome["warnings"] = result.warnings
    except VicError as exc:
        outcome.update(failed=True, error=str(exc), left=list(getattr(exc, "left", [])),
                       kind=type(exc).__name__)
    finally:
        sim.faults.reset()
    outcome["left_after_failure"] = left_after(before, whole_picture(session))
    if outcome["left_after_failure"]:
        found = listed(session, name)
        outcome["listed"] = [(v.id, v.upgrade_status, v.state) for v in found]
        if found:  # the remedy the error (or warning) names: delete again
            outcome["remedies"].append("delete again")
            delete_vch(session, find_vch(session, name=name, remnants=True), force=True, delete_volumes=True)
        if left_after(before, whole_picture(session)):  # what is no VCH's: vic-machine delete --leftovers
            outcome["remedies"].append("delete --leftovers")
            remove_leftovers(session, list_vchs(session))
    outcome["left_at_end"] = left_after(before, whole_picture(session))
    return outcome


def named(line: str) -> str:
    """How a warning would name what ``left_after`` reported: its name (marks ride on the pool and folder)."""
    label, _, thing = line.partition(": ")
    if label == "marks":
        return ""
    if label == "inventory":
        return thing.rsplit("'", 2)[-2] if "'" in thing else thing
    return thing.rstrip("/").rsplit("/", 1)[-1]


def test_a_fault_at_every_step_of_delete_leaves_nothing_a_second_delete_cannot_remove(world, methods, tmp_path):
    assert len({step for step, _ in methods}) >= 9, methods  # mark, permissions, containers, volumes, group, ...
    failures = []
    for number, (step, method) in enumerate(methods):
        name = f"rel-del-{number}"
        outcome = delete_with_fault(world, tmp_path, step, method, name)
        where = f"{method} in {step!r}"
        if outcome["left_at_end"]:
            failures.append(f"{where}: left after the second delete: {outcome['left_at_end']}")
        if not outcome["failed"]:
            # Success, but something could not be removed: a warning names each thing left.
            for line in outcome["left_after_failure"]:
                thing = named(line)
                if thing and not any(thing in w for w in outcome["warnings"]):
                    failures.append(f"{where}: {line} is left and no warning names it: {outcome['warnings']}")
            continue
        if outcome["left_after_failure"]:
            # What is left is listed, as the VCH (being deleted, once the delete marked it) or what is left of it.
            if not outcome["listed"]:
                failures.append(f"{where}: nothing listed though {outcome['left_after_failure']} is left")
            # The error names the VCH and each piece still there.
            if name not in outcome["error"]:
                failures.append(f"{where}: the error does not name {name}: {outcome['error']}")
            if outcome.get("kind") == "DeleteFailed" and not outcome["left"]:
                failures.append(f"{where}: the error lists nothing left: {outcome['error']}")
    assert not failures, "\n".join(failures)


def test_a_failed_delete_is_listed_as_being_deleted_and_says_what_is_left(world, tmp_path):
    session, sim = world.session, world.sim
    before = whole_picture(session)
    make_full_vch(session, world.isos, "rel-folder", tmp_path)
    vch = find_vch(session, name="rel-folder")
    with pytest.raises(DeleteFailed) as failed:
        delete_vch(session, vch, force=True, delete_volumes=True, sink=at_step(
            "Remove VM folder", lambda: sim.faults.inject("Destroy_Task", "InvalidArgument", task=True)))
    sim.faults.reset()
    assert failed.value.left == ["VM folder rel-folder", "resource pool rel-folder"]
    assert f"delete --id {vch.id}" in str(failed.value)
    [entry] = listed(session, "rel-folder")
    assert (entry.id, entry.upgrade_status, entry.state, entry.vm) == (vch.id, "Being deleted", "deleting", None)
    assert entry.left == ["VM folder /DC0/vm/rel-folder", "resource pool /DC0/host/DC0_C0/Resources/rel-folder"]
    # Not to be configured or inspected any more; found for delete only.
    with pytest.raises(VicError, match="Only what is left of VCH rel-folder"):
        find_vch(session, id=vch.id) if False else find_vch(session, vch_id=vch.id)
    delete_vch(session, find_vch(session, vch_id=vch.id, remnants=True))
    assert listed(session, "rel-folder") == []
    assert whole_picture(session) == before
