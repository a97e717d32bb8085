"""The simulator's inventory, certificate and lifecycle, and its extraConfig semantics."""

from __future__ import annotations

import hashlib
import os
import ssl
import time

import pytest
from pyVim.connect import Disconnect, SmartConnect
from pyVim.task import WaitForTask
from pyVmomi import vim

from sim.runner import Simulator
from vic_machine.vsphere.tasks import run_task


def objects(si: vim.ServiceInstance, kind: type) -> list:
    view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [kind], True)
    try:
        return list(view.view)
    finally:
        view.DestroyView()


def colon_hex(digest: bytes) -> str:
    return ":".join(f"{byte:02X}" for byte in digest)


def test_two_clusters_of_eight_hosts(start_sim):
    big = start_sim(cluster=2, host=8)
    si = big.connect()
    try:
        clusters = objects(si, vim.ClusterComputeResource)
        assert sorted(c.name for c in clusters) == ["DC0_C0", "DC0_C1"]
        assert all(len(c.host) == 8 for c in clusters)
        hosts = objects(si, vim.HostSystem)
        assert len(hosts) == 2 * 8 + 1  # and the default standalone host
        assert all(len(host.vm) == 2 for host in hosts)
        (datastore,) = objects(si, vim.Datastore)
        assert sorted(mount.key.name for mount in datastore.host) == sorted(h.name for h in hosts)
    finally:
        Disconnect(si)


def test_standalone_hosts_with_vms_per_host(start_sim):
    small = start_sim(cluster=0, standalone_host=3, vm=1, pg=0)
    si = small.connect()
    try:
        hosts = objects(si, vim.HostSystem)
        assert sorted(h.name for h in hosts) == ["DC0_H0", "DC0_H1", "DC0_H2"]
        vms = objects(si, vim.VirtualMachine)
        assert sorted((vm.name, vm.runtime.host.name) for vm in vms) == [
            ("DC0_H0_VM0", "DC0_H0"),
            ("DC0_H1_VM0", "DC0_H1"),
            ("DC0_H2_VM0", "DC0_H2"),
        ]
        assert all(vm.runtime.powerState == "poweredOn" for vm in vms)
    finally:
        Disconnect(si)


def test_default_model(si):
    assert [h.name for h in sorted(objects(si, vim.HostSystem), key=lambda h: h.name)] == [
        "DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2", "DC0_H0",
    ]
    assert sorted(pg.name for pg in objects(si, vim.dvs.DistributedVirtualPortgroup))[0] == "DC0_DVPG0"
    vm = next(vm for vm in objects(si, vim.VirtualMachine) if vm.name == "DC0_C0_H1_VM0")
    assert vm.runtime.host.name == "DC0_C0_H1"
    assert isinstance(vm.network[0], vim.dvs.DistributedVirtualPortgroup)


def test_reconfigure_replaces_and_removes_extra_config(si):
    vm = next(vm for vm in objects(si, vim.VirtualMachine) if vm.name == "DC0_H0_VM1")
    option = vim.option.OptionValue

    def extra_config() -> list[tuple[str, str]]:
        return [(o.key, o.value) for o in vm.config.extraConfig if o.key.startswith("test.")]

    try:
        WaitForTask(vm.ReconfigVM_Task(vim.vm.ConfigSpec(extraConfig=[option(key="test.a", value="1")])))
        WaitForTask(vm.ReconfigVM_Task(vim.vm.ConfigSpec(
            extraConfig=[option(key="test.a", value="2"), option(key="test.b", value="x")])))
        assert extra_config() == [("test.a", "2"), ("test.b", "x")]

        WaitForTask(vm.ReconfigVM_Task(vim.vm.ConfigSpec(extraConfig=[option(key="test.a", value="")])))
        assert extra_config() == [("test.b", "x")]
    finally:
        WaitForTask(vm.ReconfigVM_Task(vim.vm.ConfigSpec(
            extraConfig=[option(key="test.a", value=""), option(key="test.b", value="")])))
    assert extra_config() == []


def test_root_snapshot_follows_the_snapshot_trees(si):
    """As vSphere keeps it (vcsim left ``rootSnapshot`` empty for ever): the roots of the VM's snapshot trees."""
    vm = next(vm for vm in objects(si, vim.VirtualMachine) if vm.name == "DC0_H0_VM0")
    assert vm.rootSnapshot == []
    try:
        WaitForTask(vm.CreateSnapshot_Task(name="one", memory=False, quiesce=False))
        first = vm.snapshot.rootSnapshotList[0].snapshot
        WaitForTask(vm.CreateSnapshot_Task(name="two", memory=False, quiesce=False))
        assert vm.rootSnapshot == [first]  # the second is the first's child
        # vcsim names the snapshot as the task's entity, which pyVim's WaitForTask cannot read back.
        run_task(lambda: first.RemoveSnapshot_Task(removeChildren=False), "remove the snapshot")
        assert vm.rootSnapshot == [vm.snapshot.rootSnapshotList[0].snapshot]
    finally:
        WaitForTask(vm.RemoveAllSnapshots_Task())
    assert vm.rootSnapshot == []


def test_state_file_thumbprints_match_the_served_certificate(sim):
    pem = ssl.get_server_certificate((sim.host, sim.port))
    der = ssl.PEM_cert_to_DER_cert(pem)
    assert sim.thumbprint_sha1 == colon_hex(hashlib.sha1(der).digest())
    assert sim.thumbprint_sha256 == colon_hex(hashlib.sha256(der).digest())
    assert sim.url == f"https://127.0.0.1:{sim.port}/sdk"
    assert sim.control_url == f"https://127.0.0.1:{sim.port}/_sim"


def test_only_the_configured_credentials_log_in(sim):
    with pytest.raises(vim.fault.InvalidLogin):
        SmartConnect(host=sim.host, port=sim.port, user=sim.username, pwd="not-" + sim.password,
                     disableSslCertValidation=True)


def test_starts_fast_and_stops_cleanly():
    started = time.monotonic()
    simulator = Simulator.start(username="admin", password="secret")
    assert time.monotonic() - started < 2
    si = simulator.connect()
    assert si.content.sessionManager.currentSession.userName == "admin"
    Disconnect(si)
    simulator.stop()
    assert not simulator.running
    assert not simulator.log_path.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(simulator.pid, 0)


def test_bad_model_is_reported():
    with pytest.raises(TypeError, match="clusters"):
        Simulator.start(clusters=2)
