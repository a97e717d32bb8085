"""A cancel stops forward work only: cancelled at the start of every step of upgrade and configure, the VCH is as
before (version, ISO, power, configuration, no snapshot, no lock, same files), whatever else interrupts the undo;
every step that could not clean up after success ends the operation with a warning naming what is left; a failed
operations-user grant leaves no role behind (issue 14)."""

from __future__ import annotations

import copy
import threading
import time

import pytest

from tests.reliability_support import whole_picture
from tests.upgrade_support import observed, start_env, vch_files
from tests.vch_support import vch_spec
from vic_machine.errors import Cancelled, OperationFailed
from vic_machine.operations.configure import configure
from vic_machine.operations.create import create
from vic_machine.operations.find import find_vch
from vic_machine.operations.leftovers import leftovers
from vic_machine.operations.upgrade import upgrade
from vic_machine.operations.upgrade_steps import read_vm
from vic_machine.vsphere.snapshots import walk_snapshots

UPGRADE_STEPS = ["Mark the VCH as being upgraded", "Upload ISOs", "Take the upgrade snapshot", "Power off",
                 "Switch the ISO and configuration", "Power on", "Wait for the VCH", "Clean up"]
CONFIGURE_STEPS = ["Lock the VCH", "Take a snapshot", "Power off", "Rewrite the configuration", "Power on",
                   "Wait for the VCH", "Commit"]
RESTART_CHANGE = {"network": {"public": {"nameservers": ["192.0.2.99"]}}}
USERS = {"cancel-ops@vsphere.local": "Secr3t-c!"}


@pytest.fixture(scope="module")
def env(vch_world, tmp_path_factory):
    return start_env(lambda **kw: vch_world(users=USERS, **kw), tmp_path_factory)


@pytest.fixture(scope="module")
def vch(env):
    create(env.session, vch_spec("cancel-vch"), isos=env.old, timeout=20)
    return find_vch(env.session, name="cancel-vch", iso=env.new.appliance)


def cancelling_at(step: str, cancel: threading.Event, events: list, interrupt_undo: bool = False):
    """A sink that cancels when ``step`` starts; with ``interrupt_undo`` it also raises Ctrl-C at every undo."""
    def sink(event) -> None:
        events.append(event)
        if event.kind == "step" and event.step == step and event.message == step:
            cancel.set()
        if interrupt_undo and event.kind in ("undo", "undo_failed"):
            raise KeyboardInterrupt
    return sink


def comparable(seen: dict) -> dict:
    """``observed`` without the addresses the guest was assigned: a VCH restarted may get another one (DHCP does
    that; the stand-in takes the next loopback slot when the old address is still held as it boots again)."""
    out = dict(seen)
    config = copy.deepcopy(seen["config"])
    for network in config.executor.networks.values():
        network.assigned = type(network.assigned)()
    out["config"] = config
    return out


def settled(env, vch, before: dict, timeout: float = 5.0) -> dict:
    """What the user sees of the VCH (``comparable``) once the appliance stand-in caught up: it notices a power
    cycle asynchronously (clearing its keys at power-off, writing them at boot), so a read right after may fall
    between."""
    deadline = time.monotonic() + timeout
    while True:
        now = comparable(observed(env, vch))
        if now == comparable(before) or time.monotonic() > deadline:
            return now
        time.sleep(0.1)


def snapshots(env, vch) -> list[str]:
    return [t.name for t in walk_snapshots(read_vm(env.session, vch.vm).snapshots)]


@pytest.mark.parametrize("step", UPGRADE_STEPS)
def test_cancel_at_every_step_of_upgrade_leaves_the_vch_as_before(env, vch, step):
    before, files = observed(env, vch), vch_files(env, "cancel-vch")
    cancel, events = threading.Event(), []
    # Ctrl-C pressed again (or a sink failing) while the undo runs must not stop it either.
    with pytest.raises(OperationFailed) as failed:
        upgrade(env.session, find_vch(env.session, vch_id=vch.id, iso=env.new.appliance), isos=env.new, timeout=20,
                cancel_event=cancel, sink=cancelling_at(step, cancel, events, interrupt_undo=True))
    assert isinstance(failed.value.cause, Cancelled), failed.value
    assert failed.value.left == [], failed.value.left
    assert settled(env, vch, before) == comparable(before)
    assert observed(env, vch)["power"] == "poweredOn"
    assert vch_files(env, "cancel-vch") == files
    assert snapshots(env, vch) == []


@pytest.mark.parametrize("step", CONFIGURE_STEPS)
def test_cancel_at_every_step_of_configure_leaves_the_vch_as_before(env, vch, step):
    before = observed(env, vch)
    cancel, events = threading.Event(), []
    with pytest.raises(OperationFailed) as failed:
        configure(env.session, find_vch(env.session, vch_id=vch.id), RESTART_CHANGE, timeout=20,
                  cancel_event=cancel, sink=cancelling_at(step, cancel, events, interrupt_undo=True))
    assert isinstance(failed.value.cause, Cancelled), failed.value
    assert failed.value.left == [], failed.value.left
    assert settled(env, vch, before) == comparable(before)
    assert snapshots(env, vch) == []
    assert [e.step for e in events if e.kind == "step" and e.step == e.message][-1] == step


def test_a_snapshot_configure_cannot_remove_is_a_warning_listed_and_removed_later(env, vch):
    def sink(event):
        if event.kind == "step" and event.message == event.step == "Commit":
            env.sim.faults.inject("RemoveSnapshot_Task", "InvalidState", task=True)

    try:
        result = configure(env.session, find_vch(env.session, vch_id=vch.id), RESTART_CHANGE, timeout=20, sink=sink)
    finally:
        env.sim.faults.reset()
    [name] = snapshots(env, vch)
    assert result.applied
    assert any(f"snapshot {name!r} of VCH cancel-vch" in w for w in result.warnings), result.warnings
    listed = leftovers(env.session, [find_vch(env.session, vch_id=vch.id)])
    assert [item.what for item in listed if item.kind == "snapshot"] == [f"snapshot {name!r} of VCH cancel-vch "
                                                                         f"({vch.id})"]
    # The next configure removes it along with its own.
    configure(env.session, find_vch(env.session, vch_id=vch.id), {"network": {"public": {"nameservers": []}}},
              timeout=20)
    assert snapshots(env, vch) == []


def test_a_failed_operations_user_grant_leaves_no_role(env, vch):
    before = whole_picture(env.session)
    user, password = next(iter(USERS.items()))
    change = {"endpoint": {"operations_credentials": {"user": user, "password": password, "grant_permissions": True}}}

    def sink(event):
        if event.kind == "step" and event.message == event.step == "Update operations-user permissions":
            env.sim.faults.inject("SetEntityPermissions", "InvalidArgument", count=0)

    try:
        with pytest.raises(OperationFailed) as failed:
            configure(env.session, find_vch(env.session, vch_id=vch.id), change, timeout=20, sink=sink)
    finally:
        env.sim.faults.reset()
    assert failed.value.step == "Update operations-user permissions" and failed.value.left == []
    roles, _ = whole_picture(env.session)[2]
    assert not [r for r in roles if r.startswith("vic-vch-")], roles
    assert whole_picture(env.session)[2] == before[2]


def test_what_an_upgrade_cannot_undo_is_named_with_where_it_is_and_the_command(env, vch):
    before = observed(env, vch)

    def sink(event):
        if event.kind == "step" and event.message == event.step == "Power on":
            env.sim.faults.inject("PowerOnVM_Task", "InvalidState", count=1)
            env.sim.faults.inject("RevertToSnapshot_Task", "InvalidState", count=1, task=True)

    try:
        with pytest.raises(OperationFailed) as failed:
            upgrade(env.session, find_vch(env.session, vch_id=vch.id, iso=env.new.appliance), isos=env.new,
                    timeout=20, sink=sink)
    finally:
        env.sim.faults.reset()
    left, kept = failed.value.left
    # Not "the upgrade of cancel-vch" alone: the snapshot, the VM it is on, and what returns to it.
    assert left.startswith("the upgrade of cancel-vch (revert to snapshot 'upgrade for 1') "
                           f"(on endpoint VM cancel-vch ({vch.id})): "), left
    assert f"vic-machine upgrade --rollback --id {vch.id} reverts to it" in left
    # The snapshot is kept, since the VCH was not reverted to it.
    assert kept.startswith(f"upgrade snapshot 'upgrade for 1' of VCH cancel-vch (on endpoint VM cancel-vch "
                           f"({vch.id})): kept, to revert the VCH to"), kept
    # The remedy named does it.
    upgrade(env.session, find_vch(env.session, vch_id=vch.id, iso=env.new.appliance), isos=env.new, timeout=20,
            rollback=True)
    assert observed(env, vch) == before


def test_a_configure_mark_that_cannot_be_cleared_is_a_warning_with_its_command(env, vch):
    def sink(event):
        if event.kind == "step" and event.message == event.step == "Commit":
            env.sim.faults.inject("ReconfigVM_Task", "InvalidState", task=True)

    try:
        result = configure(env.session, find_vch(env.session, vch_id=vch.id),
                           {"network": {"public": {"nameservers": ["192.0.2.98"]}}}, timeout=20, sink=sink)
    finally:
        env.sim.faults.reset()
    assert result.applied and snapshots(env, vch) == []
    [warning] = [w for w in result.warnings if "UpdateInProgress" in w]
    assert f"vic-machine configure --reset-progress --id {vch.id}" in warning
    # The remedy named does it.
    configure(env.session, find_vch(env.session, vch_id=vch.id), {"network": {"public": {"nameservers": []}}},
              timeout=20, reset_progress=True)
    assert not find_vch(env.session, vch_id=vch.id).config.update_in_progress
