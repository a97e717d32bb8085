"""Fault injection: named SOAP methods failing with named vSphere faults, and delays."""

from __future__ import annotations

import time

import pytest
from pyVim.connect import Disconnect
from pyVim.task import WaitForTask
from pyVmomi import vim, vmodl


class VMCreator:
    """Creates VMs in DC0's cluster and destroys them at the end of the test."""

    def __init__(self, si: vim.ServiceInstance) -> None:
        datacenter = si.content.rootFolder.childEntity[0]
        cluster = next(c for c in datacenter.hostFolder.childEntity if isinstance(c, vim.ClusterComputeResource))
        self.folder = datacenter.vmFolder
        self.pool = cluster.resourcePool
        self.created: list[vim.VirtualMachine] = []

    def start(self, name: str) -> vim.Task:
        spec = vim.vm.ConfigSpec(name=name, guestId="otherGuest", files=vim.vm.FileInfo(vmPathName="[LocalDS_0]"))
        return self.folder.CreateVM_Task(config=spec, pool=self.pool)

    def create(self, name: str) -> vim.VirtualMachine:
        task = self.start(name)
        WaitForTask(task)
        self.created.append(task.info.result)
        return task.info.result

    def cleanup(self) -> None:
        for vm in self.created:
            WaitForTask(vm.Destroy_Task())


@pytest.fixture
def vms(si):
    creator = VMCreator(si)
    yield creator
    creator.cleanup()


def test_injected_fault_reaches_the_caller_once(si, faults, vms, fresh_name):
    faults.inject("CreateVM_Task", "InvalidArgument", count=1, message="no room for it")
    name = fresh_name("vm")
    with pytest.raises(vmodl.fault.InvalidArgument) as raised:
        vms.start(name)
    assert raised.value.msg == "no room for it"
    assert faults.list() == []  # used up

    vm = vms.create(name)
    assert vm.name == name


def test_count_is_honoured_and_zero_means_always(si, faults, vms, fresh_name):
    faults.inject("CreateVM_Task", "NoPermission", count=2)
    for _ in range(2):
        with pytest.raises(vim.fault.NoPermission):
            vms.start(fresh_name("vm"))
    vms.create(fresh_name("vm"))

    faults.inject("CreateVM_Task", "InsufficientResourcesFault", count=0)
    for _ in range(3):
        with pytest.raises(vim.fault.InsufficientResourcesFault):
            vms.start(fresh_name("vm"))
    assert faults.list()[0]["hits"] == 3
    faults.reset()
    vms.create(fresh_name("vm"))


def test_fault_only_hits_the_named_method(si, faults, fresh_name):
    faults.inject("CreateVM_Task", "InvalidState", count=1)
    # Other calls are untouched and the rule stays armed.
    assert si.content.rootFolder.childEntity
    assert [rule["method"] for rule in faults.list()] == ["CreateVM_Task"]


def test_task_mode_returns_a_task_that_fails(si, faults, vms, fresh_name):
    name = fresh_name("vm")
    faults.inject("CreateVM_Task", "DuplicateName", message=name, task=True)
    task = vms.start(name)
    with pytest.raises(vim.fault.DuplicateName) as raised:
        WaitForTask(task)
    assert raised.value.name == name
    assert task.info.state == "error"
    assert task in si.content.taskManager.recentTask
    view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [vim.VirtualMachine], True)
    assert name not in [vm.name for vm in view.view]


def test_delay_is_honoured(si, faults, vms, fresh_name):
    delay_ms = 400
    faults.delay("CreateVM_Task", delay_ms)
    started = time.monotonic()
    vms.create(fresh_name("vm"))
    assert time.monotonic() - started >= delay_ms / 1000

    started = time.monotonic()
    vms.create(fresh_name("vm"))
    assert time.monotonic() - started < delay_ms / 1000  # count=1: only the first call waited


def test_delay_then_fault(si, faults, vms, fresh_name):
    faults.inject("CreateVM_Task", "FileFault", delay_ms=200)
    started = time.monotonic()
    with pytest.raises(vim.fault.FileFault):
        vms.start(fresh_name("vm"))
    assert time.monotonic() - started >= 0.2


def test_injected_login_failure(sim, faults):
    faults.inject("Login", "InvalidLogin")
    with pytest.raises(vim.fault.InvalidLogin):
        sim.connect()
    Disconnect(sim.connect())  # once only


def test_unknown_fault_name_is_refused(faults):
    with pytest.raises(ValueError, match="NoSuchFault"):
        faults.inject("CreateVM_Task", "NoSuchFault")
    assert faults.list() == []
