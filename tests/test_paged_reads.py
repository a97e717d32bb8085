"""Every bulk read of the core on a simulator that pages as vCenter does, three objects a page (issue 17).

The model is bigger than a page in every read: 9 hosts' worth of objects, 10+ VMs, VCHs and containers. Each test
checks what the read found against what the never-paged ``RetrieveProperties`` says is there, and that pages
were followed (ContinueRetrievePropertiesEx calls, counted by a delay-only rule of the simulator's fault
control): a core that ignored the token, or a simulator that ignored ``maxObjects``, fails them.
"""

from __future__ import annotations

import contextlib

import pytest
from pyVmomi import vim, vmodl

from tests.support import session_for
from tests.test_ls import make_vch
from tests.vch_support import permissions_of, vch_spec
from vic_machine.inventory import take_snapshot
from vic_machine.operations.containers import list_containers
from vic_machine.operations.create import create
from vic_machine.operations.configure import configure
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.inspect_config import inspect_config
from vic_machine.operations.ls import list_vchs
from vic_machine.vsphere import raw_soap
from vic_machine.vsphere.collector import paged, retrieve, retrieve_objects, retrieve_spec, view_spec
from vic_machine.vsphere.tasks import run_task
from vic_machine.vsphere.vm_spec import option_values

PC = vmodl.query.PropertyCollector
PAGE = 3
CONTAINER_ID = "f" * 64


@pytest.fixture(scope="module")
def world(vch_world):
    return vch_world(page_size=PAGE, vm=2, users={"ops": "ops-pw"})


@pytest.fixture(scope="module")
def session(world):
    return world.session


def truth(session, kind: type, path: str = "name") -> dict[str, object]:
    """moid → value of ``path`` for every object of ``kind``, from RetrieveProperties, which is never paged."""
    content = session.content
    view = content.viewManager.CreateContainerView(content.rootFolder, [kind], True)
    try:
        contents = content.propertyCollector.RetrieveProperties([view_spec(view, {kind: [path]})])
    finally:
        view.DestroyView()
    return {o.obj._moId: (o.propSet[0].val if o.propSet else None) for o in contents}


@contextlib.contextmanager
def pages_followed(world):
    """Counts ContinueRetrievePropertiesEx calls made inside the block: ``counter()`` after it."""
    faults = world.sim.faults
    rule = faults.delay("ContinueRetrievePropertiesEx", 0, count=0)
    hits = {"n": 0}
    try:
        yield lambda: hits["n"]
    finally:
        hits["n"] = next((r["hits"] for r in faults.list() if r["id"] == rule["id"]), 0)
        faults.reset()


@pytest.fixture(scope="module")
def vchs(world, session):
    """One VCH made by create (with an ops user granted), three VMs made VCHs as VIC 1.5 marks them, and four
    container VMs in the created VCH's pool."""
    spec = vch_spec("paged-vch")
    creds = spec.endpoint.operations_credentials
    creds.user, creds.password, creds.grant_permissions = "ops", "ops-pw", True
    result = create(session, spec, isos=world.isos, timeout=30)
    plain = sorted((vm for vm in retrieve(session.content, session.content.rootFolder,
                                          {vim.VirtualMachine: ["name"]}) if vm._moId != result.vm),
                   key=lambda vm: vm._moId)
    for index, vm in enumerate(plain[:3]):
        make_vch(vm, f"marked-{index}")
    created = find_vch(session, vch_id=result.vm)
    pool = created.props["resourcePool"]
    folder = retrieve_objects(session.content, [created.vm], ["parent"])[created.vm]["parent"]
    for index in range(4):
        config = vim.vm.ConfigSpec(
            name=f"box-{index}", files=vim.vm.FileInfo(vmPathName="[LocalDS_0]"), numCPUs=1, memoryMB=64,
            extraConfig=option_values({"guestinfo.vice./common/id": CONTAINER_ID[:-1] + str(index),
                                       "guestinfo.vice./common/name": f"box-{index}"}))
        run_task(lambda: folder.CreateVM_Task(config=config, pool=pool), "create a container VM")
    return {"paged-vch", "marked-0", "marked-1", "marked-2"}, result


def test_collector_reads_follow_every_page(world, session):
    expected = truth(session, vim.VirtualMachine)
    assert len(expected) > PAGE
    with pages_followed(world) as continued:
        found = retrieve(session.content, session.content.rootFolder, {vim.VirtualMachine: ["name"]})
        by_object = retrieve_objects(session.content, list(found), ["name"])
    assert {vm._moId: p["name"] for vm, p in found.items()} == expected
    assert {vm._moId: p["name"] for vm, p in by_object.items()} == expected
    assert continued() >= 2 * (len(expected) // PAGE)


def test_raw_reads_follow_every_page(world, session):
    expected = truth(session, vim.VirtualMachine)
    with pages_followed(world) as continued:
        found = raw_soap.retrieve_plain(session, session.content.rootFolder,
                                        {vim.VirtualMachine: ["name", "resourcePool"]})
        by_object = raw_soap.retrieve_objects_plain(session, list(found), ["name"])
    assert {vm._moId: p["name"] for vm, p in found.items()} == expected
    assert {vm._moId: p["name"] for vm, p in by_object.items()} == expected
    assert all(isinstance(p["resourcePool"], vim.ResourcePool) for p in found.values())
    assert continued() >= 2 * (len(expected) // PAGE)


def test_a_token_ended_by_another_read_is_read_again_on_a_private_collector(session):
    """Another read on the same collector in the same session (a concurrent request) ends a retrieval."""
    content = session.content
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    spec = view_spec(view, {vim.VirtualMachine: ["name"]})
    options = PC.RetrieveOptions(maxObjects=PAGE)
    used = []

    def first(pc):
        used.append(pc)
        result = pc.RetrievePropertiesEx(specSet=[spec], options=options)
        if len(used) == 1:  # the other reader comes in between our pages, once
            pc.RetrievePropertiesEx(specSet=[spec], options=options)
        return result.objects, result.token

    try:
        objects = paged(content, first, lambda pc, t: (lambda r: (r.objects, r.token))(
            pc.ContinueRetrievePropertiesEx(token=t)), lambda pc, t: pc.CancelRetrievePropertiesEx(token=t))
    finally:
        view.DestroyView()
    assert {o.obj._moId for o in objects} == set(truth(session, vim.VirtualMachine))
    assert used[0] == content.propertyCollector and used[1] != content.propertyCollector


def test_a_read_left_half_way_is_cancelled(session):
    content = session.content
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    spec = view_spec(view, {vim.VirtualMachine: ["name"]})
    tokens = []

    def first(pc):
        result = pc.RetrievePropertiesEx(specSet=[spec], options=PC.RetrieveOptions(maxObjects=PAGE))
        tokens.append(result.token)
        return result.objects, result.token

    def broken(pc, token):
        raise RuntimeError("the reader fails between pages")

    try:
        with pytest.raises(RuntimeError):
            paged(content, first, broken, lambda pc, t: pc.CancelRetrievePropertiesEx(token=t))
    finally:
        view.DestroyView()
    with pytest.raises(vmodl.fault.InvalidArgument):  # cancelled: the token is spent
        content.propertyCollector.ContinueRetrievePropertiesEx(token=tokens[0])


def test_inventory_snapshot_pages(world, session, vchs):
    with pages_followed(world) as continued:
        inv = take_snapshot(session)
    assert {h.name for h in inv.hosts} == set(truth(session, vim.HostSystem).values())
    assert set(truth(session, vim.VirtualMachine).values()) <= set(inv.names_in_use)  # VCHs' as their pools'
    assert {n.id for n in inv.networks} <= set(truth(session, vim.Network))
    assert all(h.firewall_rulesets for h in inv.hosts)  # every host's firewall, read in pages of three
    assert continued() > 0


def test_ls_and_find_page(world, session, vchs):
    names, result = vchs
    with pages_followed(world) as continued:
        assert {v.name for v in list_vchs(session)} == names
        assert find_vch(session, name="marked-2").name == "marked-2"
    assert continued() > 0


def test_containers_page(world, session, vchs):
    _, result = vchs
    vch = find_vch(session, vch_id=result.vm)
    with pages_followed(world) as continued:
        boxes = list_containers(session, [vch])
    assert sorted(b.name for b in boxes) == [f"box-{i}" for i in range(4)]
    assert continued() > 0


def test_inspect_config_pages(world, session, vchs):
    _, result = vchs
    vch = find_vch(session, vch_id=result.vm)
    options = inspect_config(session, vch.vm, vch.config)
    assert any(o.startswith("--compute-resource") for o in options)
    assert any("DC0_DVPG0" in o for o in options)


def test_configure_pages(world, session, vchs):
    _, result = vchs
    with pages_followed(world) as continued:
        configure(session, find_vch(session, vch_id=result.vm),
                  {"compute": {"cpu": {"limit": {"value": 3000, "units": "MHz"}}}}, timeout=30)
    assert continued() > 0
    assert "--cpu=3000" in " ".join(inspect_config(session, *(lambda v: (v.vm, v.config))(
        find_vch(session, vch_id=result.vm))))


def test_opsuser_and_delete_page(world, session, vchs):
    _, result = vchs
    assert permissions_of(session, "ops")
    vch = find_vch(session, vch_id=result.vm)
    with pages_followed(world) as continued:
        removed = delete_vch(session, vch)
    assert "permissions of ops" in removed.removed
    assert permissions_of(session, "ops") == {}
    assert not {vm for vm, name in truth(session, vim.VirtualMachine).items() if name.startswith("box-")}
    assert continued() > 0
    assert {v.name for v in list_vchs(session)} == {"marked-0", "marked-1", "marked-2"}
