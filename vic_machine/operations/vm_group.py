"""The DRS VM group a VCH's VMs share (``--affinity-vm-group``): one per VCH, named after it, on its cluster."""

from __future__ import annotations

from pyVmomi import vim

from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.tasks import run_task


def _reconfigure(cluster: vim.ClusterComputeResource, spec: vim.cluster.GroupSpec, what: str, name: str) -> None:
    change = vim.cluster.ConfigSpecEx(groupSpec=[spec])
    run_task(lambda: cluster.ReconfigureComputeResource_Task(spec=change, modify=True), what, name)


def add_vm_group(cluster: vim.ClusterComputeResource, name: str, vms: list[vim.VirtualMachine]) -> None:
    _reconfigure(cluster, vim.cluster.GroupSpec(operation="add", info=vim.cluster.VmGroup(name=name, vm=vms)),
                 "create the DRS VM group", name)


def remove_vm_group(cluster: vim.ClusterComputeResource, name: str) -> None:
    _reconfigure(cluster, vim.cluster.GroupSpec(operation="remove", removeKey=name), "remove the DRS VM group", name)


def has_vm_group(session, cluster: vim.ClusterComputeResource, name: str) -> bool:
    """Whether the cluster has a VM group of that name (one read): it may have been removed by hand."""
    config = retrieve_objects(session.content, [cluster], ["configurationEx"])[cluster]["configurationEx"]
    return any(isinstance(g, vim.cluster.VmGroup) and g.name == name for g in config.group or [])
