"""What vic-plugin's replicas rely on vCenter for (issue 20), as the simulator must do it, never more leniently:
every queued or running task stays in ``TaskManager.recentTask`` however many finish after it (only finished ones
are capped at 200), each entity's ``recentTask`` lists the tasks on it, and ending another user's session needs
``Sessions.TerminateSession``."""

from __future__ import annotations

import ssl

import pytest
from pyVim.connect import SmartConnect
from pyVmomi import vim

READ_ONLY = -2
USERS = {"reader": "read-pw"}


@pytest.fixture(scope="module")
def tsim(start_sim):
    sim = start_sim(users=USERS)
    si = sim.connect()
    si.content.authorizationManager.SetEntityPermissions(entity=si.content.rootFolder, permission=[
        vim.AuthorizationManager.Permission(principal="reader", group=False, roleId=READ_ONLY, propagate=True)])
    yield sim, si


def _login(sim, user: str, password: str):
    return SmartConnect(host=sim.host, port=sim.port, user=user, pwd=password,
                        sslContext=ssl._create_unverified_context())


def _task(si, obj, state="running"):
    info = si.content.taskManager.CreateTask(obj=obj, taskTypeId="com.vmware.vic.CreateVch", cancelable=False)
    info.task.SetTaskState(state=state, **({"result": "{}"} if state == "success" else {}))
    return info.task


def test_a_running_task_outlives_two_hundred_finished_ones_in_recent_tasks(tsim):
    _, si = tsim
    dc = si.content.rootFolder.childEntity[0]
    vm = si.content.searchIndex.FindByInventoryPath(f"{dc.name}/vm/DC0_H0_VM0")
    running = _task(si, vm)
    finished = [_task(si, dc, "success") for _ in range(205)]
    recent = [t._moId for t in si.content.taskManager.recentTask]
    assert running._moId in recent
    # The newest 200 finished ones (the last one put is counted once it finished, at the next task).
    assert len(recent) <= 202 and finished[0]._moId not in recent and finished[-1]._moId in recent
    assert [t._moId for t in vm.recentTask] == [running._moId]
    assert running._moId not in [t._moId for t in dc.recentTask]
    assert finished[-1]._moId in [t._moId for t in dc.recentTask]
    running.SetTaskState(state="success", result="{}")


def test_ending_another_session_needs_sessions_terminate(tsim):
    sim, si = tsim
    reader = _login(sim, "reader", USERS["reader"])
    other = _login(sim, "reader", USERS["reader"])
    key = other.content.sessionManager.currentSession.key
    with pytest.raises(vim.fault.NoPermission) as refused:
        reader.content.sessionManager.TerminateSession(sessionId=[key])
    assert refused.value.privilegeId == "Sessions.TerminateSession"
    si.content.sessionManager.TerminateSession(sessionId=[key])  # the administrator may
    assert key not in [s.key for s in si.content.sessionManager.sessionList]
