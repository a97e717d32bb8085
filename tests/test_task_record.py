"""An operation's vCenter task as its one record across replicas (issue 20, found by a review): a worker whose
operation another replica finished (given up for dead) learns it at its next heartbeat and leaves that replica's
record as it is; a final state vCenter failed to take once is written again, so a finished operation never
lingers as running, to be read as abandoned later."""

from __future__ import annotations

import pytest
from pyVmomi import vim

from plugin_server.tasks import VcenterTask
from tests.support import session_for

EXTENSION = "com.vmware.vic"


@pytest.fixture
def sessions(sim):
    owner, other = session_for(sim), session_for(sim)
    yield owner, other
    owner.logout()
    other.logout()


def new_task(session) -> VcenterTask:
    datacenter = session.content.rootFolder.childEntity[0]
    task = VcenterTask.create(session, EXTENSION, "create", datacenter, activation_id="n0nce", subject="vch-rec")
    assert task is not None
    return task


def test_a_heartbeat_after_another_replica_finished_the_task_stops_and_keeps_its_record(sessions):
    owner, other = sessions
    task = new_task(owner)
    task.progress(40, "Creating the endpoint VM")
    seen = vim.Task(task.id, other.stub)
    fault = vim.fault.VimFault(msg="The server running this operation stopped")
    seen.SetTaskDescription(description=vim.LocalizableMessage(key="com.vmware.vic.progress", message="abandoned"))
    seen.SetTaskState(state="error", fault=fault)

    assert task.heartbeat() is False
    info = seen.info
    assert info.state == "error" and info.description.message == "abandoned"
    task.progress(50, "Uploading the ISOs")
    assert seen.info.description.message == "abandoned"


def test_a_final_state_refused_once_is_written_again(sessions, faults):
    owner, other = sessions
    task = new_task(owner)
    faults.inject("SetTaskState", count=1)
    task.succeed({"id": "vm-42"})
    assert vim.Task(task.id, other.stub).info.state == "success"
