"""Extension tasks: TaskManager.CreateTask and driving the created task."""

from __future__ import annotations

import pytest
from pyVmomi import vim, vmodl


def first_datacenter(si: vim.ServiceInstance) -> vim.Datacenter:
    return si.content.rootFolder.childEntity[0]


def create_task(si: vim.ServiceInstance, type_id: str = "com.example.vic.deploy") -> vim.Task:
    info = si.content.taskManager.CreateTask(
        obj=first_datacenter(si), taskTypeId=type_id, initiatedBy="vic-tests", cancelable=False
    )
    assert info.state == vim.TaskInfo.State.queued
    assert info.descriptionId == type_id
    assert info.key == info.task._moId
    return info.task


def test_task_goes_queued_running_success(si):
    task = create_task(si)
    assert task in si.content.taskManager.recentTask
    assert task.info.state == "queued"
    assert task.info.entity == first_datacenter(si)
    assert task.info.reason.userName == "vic-tests"

    task.SetTaskState(state="running")
    task.UpdateProgress(percentDone=40)
    task.SetTaskDescription(vim.LocalizableMessage(key="com.example.step", message="Creating the VCH"))
    info = task.info
    assert (info.state, info.progress, info.description.message) == ("running", 40, "Creating the VCH")
    assert info.startTime is not None and info.completeTime is None

    task.SetTaskState(state="success", result="vm-42")
    info = task.info
    assert info.state == "success"
    assert info.result == "vm-42"
    assert info.completeTime >= info.startTime


def test_task_ends_in_error_with_its_fault(si):
    task = create_task(si)
    task.SetTaskState(state="running")
    fault = vim.fault.InvalidState()
    fault.msg = "appliance did not boot"
    # pyvmomi wraps a MethodFault into the LocalizedMethodFault the API takes.
    task.SetTaskState(state="error", fault=fault)
    info = task.info
    assert info.state == "error"
    assert isinstance(info.error, vim.fault.InvalidState)
    assert info.error.msg == "appliance did not boot"
    assert task in si.content.taskManager.recentTask


def test_finished_task_cannot_change_and_progress_needs_running(si):
    task = create_task(si)
    with pytest.raises(vim.fault.InvalidState):
        task.UpdateProgress(percentDone=10)
    task.SetTaskState(state="running")
    with pytest.raises(vim.fault.OutOfBounds):
        task.UpdateProgress(percentDone=101)
    task.SetTaskState(state="success")
    with pytest.raises(vim.fault.InvalidState):
        task.SetTaskState(state="running")


def test_created_task_is_seen_by_the_property_collector(si):
    task = create_task(si)
    task.SetTaskState(state="running")
    task.UpdateProgress(percentDone=75)
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=task)],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.Task, pathSet=["info"])],
    )
    result = si.content.propertyCollector.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions())
    info = result.objects[0].propSet[0].val
    assert (info.state, info.progress) == ("running", 75)


def test_undecodable_request_is_a_fault_not_a_dropped_connection(si):
    # pyvmomi double-wraps a LocalizedMethodFault passed where the API takes one;
    # vcsim's decoder cannot read that. The caller gets a fault, the session lives on.
    task = create_task(si)
    task.SetTaskState(state="running")
    wrapped = vim.LocalizedMethodFault(fault=vim.fault.InvalidState(), localizedMessage="boom")
    with pytest.raises(vmodl.fault.InvalidRequest):
        task.SetTaskState(state="error", fault=wrapped)
    assert task.info.state == "running"
