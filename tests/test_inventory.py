"""The inventory snapshot matches what the simulator holds, in a constant number of round trips."""

import pytest
from pyVmomi import vim

from tests.support import session_for
from vic_machine.errors import NotFound
from vic_machine.inventory import take_snapshot


@pytest.fixture(scope="module")
def big_sim(start_sim):
    return start_sim(cluster=2, host=8, vm=12, standalone_host=1, pg=3, ds=2)


def _count(content, kind):
    view = content.viewManager.CreateContainerView(content.rootFolder, [kind], True)
    try:
        return len(view.view)
    finally:
        view.DestroyView()


def test_snapshot_matches_the_simulator(big_sim):
    session = session_for(big_sim)
    inv = take_snapshot(session)
    content = session.content
    assert inv.datacenter == "DC0"
    clusters = [n for n in inv.compute if n.kind == "cluster"]
    standalone = [n for n in inv.compute if n.kind == "host"]
    assert len(clusters) == 2 and len(standalone) == 1
    assert all(len(c.hosts) == 8 for c in clusters)
    assert len(inv.hosts) == _count(content, vim.HostSystem) == 17
    assert len(inv.names_in_use) >= 200  # 17 hosts × 12 VMs, plus pools and folders
    vm_names = {n for n, kind in inv.names_in_use.items() if kind == "virtual machine"}
    assert len(vm_names) == _count(content, vim.VirtualMachine) == 204
    assert {d.name for d in inv.datastores} == {"LocalDS_0", "LocalDS_1"}
    assert all(len(d.hosts) == 17 for d in inv.datastores)
    dpgs = [n for n in inv.networks if n.kind == "distributed"]
    assert {n.name for n in dpgs} == {"DC0_DVPG0", "DC0_DVPG1", "DC0_DVPG2"}
    assert all("DVUplinks" not in n.name for n in inv.networks)
    assert any(n.kind == "standard" and n.name == "VM Network" and len(n.hosts) == 17 for n in inv.networks)
    host = inv.hosts[0]
    assert host.connection_state == "connected" and not host.in_maintenance
    assert host.firewall_rulesets.get("vic-engine") is False
    assert any(f.startswith("serialuri") for f in host.license_features)
    assert clusters[0].capacity.cpu_max_mhz > 0 and clusters[0].capacity.memory_max_mib > 0
    assert inv.to_json()["datacenter"] == "DC0"
    session.logout()


def test_round_trips_do_not_grow_with_the_inventory(sim, big_sim):
    counts = []
    for s in (sim, big_sim):
        session = session_for(s)
        before = session.round_trips
        take_snapshot(session)
        counts.append(session.round_trips - before)
        session.logout()
    assert counts[0] == counts[1]


def test_nested_pools_and_vapps_appear_in_the_tree(sim):
    session = session_for(sim)
    inv = take_snapshot(session)
    cluster = next(n for n in inv.compute if n.kind == "cluster")
    cluster_obj = vim.ClusterComputeResource(cluster.id, session.stub)
    root = cluster_obj.resourcePool
    spec = vim.ResourceConfigSpec(
        cpuAllocation=vim.ResourceAllocationInfo(limit=-1, reservation=0, expandableReservation=True,
                                                 shares=vim.SharesInfo(level="normal", shares=0)),
        memoryAllocation=vim.ResourceAllocationInfo(limit=-1, reservation=0, expandableReservation=True,
                                                    shares=vim.SharesInfo(level="normal", shares=0)))
    outer = root.CreateResourcePool("inv-outer", spec)
    inner = outer.CreateResourcePool("inv-inner", spec)
    try:
        inv = take_snapshot(session)
        paths = {n.path: n for n in inv.compute_nodes()}
        assert f"{cluster.path}/Resources/inv-outer/inv-inner" in paths
        node = paths[f"{cluster.path}/Resources/inv-outer/inv-inner"]
        assert node.kind == "pool" and node.hosts == cluster.hosts
        assert inv.names_in_use["inv-inner"] == "resource pool"
        assert inv.find_compute("inv-inner") == [node]
    finally:
        inner.Destroy_Task()
        outer.Destroy_Task()
        session.logout()


def test_unknown_datacenter(sim):
    session = session_for(sim)
    with pytest.raises(NotFound) as err:
        take_snapshot(session, "NoSuchDC")
    assert "DC0" in str(err.value)
    session.logout()
