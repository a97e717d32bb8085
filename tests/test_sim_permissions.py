"""Issue 13, finding 8: the simulator enforces privileges on the calls themselves, as vCenter does.

A ReadOnly user's direct SOAP calls are NoPermission naming the privilege and the object; the administrator's
still work; reads are filtered (objects the user may not see are left out, their properties' Fetch refused), and
the datastore file interface (/folder) needs a session and the datastore privileges.
"""

from __future__ import annotations

import http.client
import ssl
import uuid

import pytest
from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim, vmodl

from vic_machine.operations.upload import folder_url_path
from vic_machine.vsphere.collector import retrieve

READ_ONLY, ADMIN = -2, -1
USERS = {"viewer": "view-pw", "scoped": "scoped-pw", "builder": "build-pw"}


@pytest.fixture(scope="module")
def psim(start_sim):
    sim = start_sim(users=USERS)
    si = sim.connect()
    content = si.content
    authz = content.authorizationManager
    dc = content.rootFolder.childEntity[0]
    cluster = next(c for c in dc.hostFolder.childEntity if isinstance(c, vim.ClusterComputeResource))

    def grant(entity, user, role):
        authz.SetEntityPermissions(entity=entity, permission=[vim.AuthorizationManager.Permission(
            principal=user, group=False, roleId=role, propagate=True)])

    grant(content.rootFolder, "viewer", READ_ONLY)
    grant(cluster, "scoped", READ_ONLY)
    # builder: ReadOnly everywhere, and a role that may create folders and VMs in the VM folder only.
    grant(content.rootFolder, "builder", READ_ONLY)
    role = authz.AddAuthorizationRole(name="folder-builder",
                                      privIds=["Folder.Create", "VirtualMachine.Inventory.Create"])
    grant(dc.vmFolder, "builder", role)
    snapshot_vm = next(vm for vm in dc.vmFolder.childEntity if isinstance(vm, vim.VirtualMachine))
    task = snapshot_vm.CreateSnapshot_Task(name="base", memory=False, quiesce=False)
    _wait(task)
    yield sim, si
    Disconnect(si)


def _wait(task):
    while task.info.state not in ("success", "error"):
        pass
    assert task.info.state == "success", task.info.error
    return task.info.result


@pytest.fixture(scope="module")
def admin(psim):
    return psim[1]


def _login(sim, user):
    return SmartConnect(host=sim.host, port=sim.port, user=user, pwd=USERS[user], disableSslCertValidation=True)


@pytest.fixture(scope="module")
def viewer(psim):
    si = _login(psim[0], "viewer")
    yield si
    Disconnect(si)


def _dc(si):
    return si.content.rootFolder.childEntity[0]


def _cluster(si):
    return next(c for c in _dc(si).hostFolder.childEntity if isinstance(c, vim.ClusterComputeResource))


def _vm(si, name="DC0_C0_H0_VM0"):
    return next(vm for vm in _dc(si).vmFolder.childEntity if vm.name == name)


def _datastore(si):
    return _dc(si).datastore[0]


def _host(si):
    return _cluster(si).host[0]


def _snapshot(si):
    vm = next(vm for vm in _dc(si).vmFolder.childEntity if vm.snapshot)
    return vm, vm.snapshot.rootSnapshotList[0].snapshot


def _vm_spec(si, name):
    ds = _datastore(si).name
    return vim.vm.ConfigSpec(name=name, guestId="otherGuest", numCPUs=1, memoryMB=64,
                             files=vim.vm.FileInfo(vmPathName=f"[{ds}]"))


def _pool():
    def allocation():
        return vim.ResourceAllocationInfo(limit=-1, reservation=0, expandableReservation=True,
                                          shares=vim.SharesInfo(level="normal", shares=0))
    return vim.ResourceConfigSpec(cpuAllocation=allocation(), memoryAllocation=allocation())


# (call, privilege, object) for a ReadOnly user: what vCenter requires, on which object.
CALLS = {
    "CreateFolder": (lambda si: _dc(si).vmFolder.CreateFolder(name="ro-folder"),
                     "Folder.Create", lambda si: _dc(si).vmFolder),
    "CreateResourcePool": (lambda si: _cluster(si).resourcePool.CreateResourcePool(name="ro-pool", spec=_pool()),
                           "Resource.CreatePool", lambda si: _cluster(si).resourcePool),
    "UpdateConfig": (lambda si: _cluster(si).resourcePool.UpdateConfig(name=None, config=_pool()),
                     "Resource.EditPool", lambda si: _cluster(si).resourcePool),
    "CreateVM_Task": (lambda si: _dc(si).vmFolder.CreateVM_Task(config=_vm_spec(si, "ro-vm"),
                                                                pool=_cluster(si).resourcePool),
                      "VirtualMachine.Inventory.Create", lambda si: _dc(si).vmFolder),
    "ReconfigVM_Task": (lambda si: _vm(si).ReconfigVM_Task(spec=vim.vm.ConfigSpec(
        extraConfig=[vim.option.OptionValue(key="guestinfo.x", value="y")])),
        "VirtualMachine.Config.AdvancedConfig", _vm),
    "PowerOnVM_Task": (lambda si: _vm(si, "DC0_C0_H0_VM1").PowerOnVM_Task(),
                       "VirtualMachine.Interact.PowerOn", lambda si: _vm(si, "DC0_C0_H0_VM1")),
    "PowerOffVM_Task": (lambda si: _vm(si).PowerOffVM_Task(), "VirtualMachine.Interact.PowerOff", _vm),
    "Destroy_Task": (lambda si: _vm(si).Destroy_Task(), "VirtualMachine.Inventory.Delete", _vm),
    "MakeDirectory": (lambda si: si.content.fileManager.MakeDirectory(
        name=f"[{_datastore(si).name}] ro-dir", datacenter=_dc(si), createParentDirectories=True),
        "Datastore.FileManagement", _datastore),
    "DeleteDatastoreFile_Task": (lambda si: si.content.fileManager.DeleteDatastoreFile_Task(
        name=f"[{_datastore(si).name}] ro-dir", datacenter=_dc(si)), "Datastore.FileManagement", _datastore),
    "SearchDatastore_Task": (lambda si: _datastore(si).browser.SearchDatastore_Task(
        datastorePath=f"[{_datastore(si).name}]"), "Datastore.Browse", _datastore),
    "ReconfigureComputeResource_Task": (lambda si: _cluster(si).ReconfigureComputeResource_Task(
        spec=vim.cluster.ConfigSpecEx(), modify=True), "Host.Inventory.EditCluster", _cluster),
    "EnableRuleset": (lambda si: _host(si).configManager.firewallSystem.EnableRuleset(id="vic-engine"),
                      "Host.Config.NetService", _host),
    "DisableRuleset": (lambda si: _host(si).configManager.firewallSystem.DisableRuleset(id="vic-engine"),
                       "Host.Config.NetService", _host),
    "SetEntityPermissions": (lambda si: si.content.authorizationManager.SetEntityPermissions(
        entity=_dc(si), permission=[vim.AuthorizationManager.Permission(
            principal="viewer", group=False, roleId=ADMIN, propagate=True)]),
        "Authorization.ModifyPermissions", _dc),
    "RemoveEntityPermission": (lambda si: si.content.authorizationManager.RemoveEntityPermission(
        entity=si.content.rootFolder, user="viewer", isGroup=False),
        "Authorization.ModifyPermissions", lambda si: si.content.rootFolder),
    "AddAuthorizationRole": (lambda si: si.content.authorizationManager.AddAuthorizationRole(
        name="ro-role", privIds=["System.View"]), "Authorization.ModifyRoles", lambda si: si.content.rootFolder),
    "CreateSnapshot_Task": (lambda si: _vm(si).CreateSnapshot_Task(name="ro", memory=False, quiesce=False),
                            "VirtualMachine.State.CreateSnapshot", _vm),
    "RevertToSnapshot_Task": (lambda si: _snapshot(si)[1].RevertToSnapshot_Task(),
                              "VirtualMachine.State.RevertToSnapshot", lambda si: _snapshot(si)[0]),
    "RemoveSnapshot_Task": (lambda si: _snapshot(si)[1].RemoveSnapshot_Task(removeChildren=False),
                            "VirtualMachine.State.RemoveSnapshot", lambda si: _snapshot(si)[0]),
    "CreateTask": (lambda si: si.content.taskManager.CreateTask(
        obj=_vm(si), taskTypeId="com.example.Task", initiatedBy="viewer", cancelable=False),
        "Task.Create", lambda si: si.content.rootFolder),
}


@pytest.mark.parametrize("method", sorted(CALLS))
def test_read_only_user_is_refused_naming_privilege_and_object(viewer, method):
    call, privilege, obj = CALLS[method]
    with pytest.raises(vim.fault.NoPermission) as refused:
        call(viewer)
    assert refused.value.privilegeId == privilege, (refused.value.object, refused.value.msg)
    assert refused.value.object._moId == obj(viewer)._moId
    assert privilege in refused.value.msg


def test_administrator_still_may(admin):
    folder = _dc(admin).vmFolder.CreateFolder(name=f"admin-{uuid.uuid4().hex[:6]}")
    vm = _wait(folder.CreateVM_Task(config=_vm_spec(admin, "admin-vm"), pool=_cluster(admin).resourcePool))
    _wait(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key="a", value="b")])))
    _wait(vm.PowerOnVM_Task())
    _wait(vm.PowerOffVM_Task())
    _wait(vm.Destroy_Task())
    _wait(folder.Destroy_Task())
    _host(admin).configManager.firewallSystem.EnableRuleset(id="vic-engine")
    _host(admin).configManager.firewallSystem.DisableRuleset(id="vic-engine")


def test_a_role_grants_only_its_privileges_where_it_is_set(psim):
    """builder may create a folder and a VM in the VM folder, but not assign the VM to a pool it holds nothing on."""
    sim, admin = psim
    si = _login(sim, "builder")
    try:
        folder = _dc(si).vmFolder.CreateFolder(name=f"built-{uuid.uuid4().hex[:6]}")
        with pytest.raises(vim.fault.NoPermission) as refused:
            folder.CreateVM_Task(config=_vm_spec(si, "built-vm"), pool=_cluster(si).resourcePool)
        assert (refused.value.privilegeId, refused.value.object._moId) == (
            "Resource.AssignVMToPool", _cluster(si).resourcePool._moId)
        with pytest.raises(vim.fault.NoPermission) as refused:
            _cluster(si).resourcePool.CreateResourcePool(name="no", spec=_pool())
        assert refused.value.privilegeId == "Resource.CreatePool"
    finally:
        Disconnect(si)


def test_has_privilege_agrees_with_enforcement(viewer):
    key = viewer.content.sessionManager.currentSession.key
    answers = viewer.content.authorizationManager.HasPrivilegeOnEntity(
        entity=_dc(viewer).vmFolder, sessionId=key, privId=["Folder.Create", "System.Read"])
    assert list(answers) == [False, True]


def test_reads_leave_out_what_the_user_may_not_see(psim):
    """scoped holds ReadOnly on the cluster only: it sees the cluster, its hosts and their VMs (through the pool,
    as a VM inherits from its pool too), and the parents on the way there; not the standalone host nor its VMs."""
    sim, admin = psim
    everything = {o._moId: p["name"] for o, p in retrieve(admin.content, admin.content.rootFolder,
                                                           {vim.ManagedEntity: ["name"]}).items()}
    si = _login(sim, "scoped")
    try:
        seen = {o._moId: p["name"] for o, p in retrieve(si.content, si.content.rootFolder,
                                                         {vim.ManagedEntity: ["name"]}).items()}
        names = set(seen.values())
        assert {"DC0", "DC0_C0", "DC0_C0_H0_VM0"} <= names
        assert not {n for n in names if n.startswith("DC0_H0")}, names
        assert {n for n in everything.values() if n.startswith("DC0_H0")}  # which the administrator sees
        standalone = next(h for h in _dc(admin).hostFolder.childEntity if h.name.startswith("DC0_H0"))
        with pytest.raises(vim.fault.NoPermission) as refused:
            vim.ComputeResource(standalone._moId, si._stub).name  # a Fetch, as pyvmomi reads one property
        assert refused.value.privilegeId == "System.Read"
    finally:
        Disconnect(si)


def test_viewer_reads_everything(psim, viewer):
    _, admin = psim
    mine = retrieve(viewer.content, viewer.content.rootFolder, {vim.VirtualMachine: ["name"]})
    theirs = retrieve(admin.content, admin.content.rootFolder, {vim.VirtualMachine: ["name"]})
    assert {o._moId for o in mine} == {o._moId for o in theirs}


def _put(sim, path, cookie):
    conn = http.client.HTTPSConnection(sim.host, sim.port, context=ssl._create_unverified_context(), timeout=10)
    try:
        conn.request("PUT", path, body=b"data", headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_datastore_files_need_a_session_and_file_management(psim, viewer):
    sim, admin = psim
    path = folder_url_path("DC0", _datastore(admin).name, f"perm-{uuid.uuid4().hex[:6]}.txt")
    assert _put(sim, path, "")[0] == 401
    status, text = _put(sim, path, viewer._stub.cookie)
    assert status == 403 and b"Datastore.FileManagement" in text
    assert _put(sim, path, admin._stub.cookie)[0] in (200, 201, 204)


def test_no_restricted_user_no_checks(sim):
    """Without -user accounts nothing is checked (and nothing costs): the default simulator's user does all."""
    si = sim.connect()
    try:
        folder = _dc(si).vmFolder.CreateFolder(name=f"free-{uuid.uuid4().hex[:6]}")
        _wait(folder.Destroy_Task())
    finally:
        Disconnect(si)


def test_fault_is_not_a_login_fault(viewer):
    with pytest.raises(vmodl.MethodFault) as refused:
        _dc(viewer).vmFolder.CreateFolder(name="again")
    assert not isinstance(refused.value, vim.fault.NotAuthenticated)


def _core_session(sim, user):
    from tests.support import target_for
    from vic_machine.vsphere.session import connect

    return connect(target_for(sim, user=user, password=USERS[user]))


def test_the_core_names_privilege_and_object(psim):
    from vic_machine.errors import PermissionDenied
    from vic_machine.vsphere.faults import vsphere_call

    session = _core_session(psim[0], "viewer")
    try:
        folder = _dc(session.si).vmFolder
        with pytest.raises(PermissionDenied) as refused:
            with vsphere_call("create the VM folder", "x"):
                folder.CreateFolder(name="x")
        assert f"missing privilege Folder.Create on Folder {folder._moId}" in str(refused.value)
    finally:
        session.logout()


def test_an_upload_refused_is_not_retried(psim):
    import time

    from vic_machine.errors import PermissionDenied
    from vic_machine.operations.upload import upload_bytes

    session = _core_session(psim[0], "viewer")
    try:
        started = time.monotonic()
        with pytest.raises(PermissionDenied, match="Datastore.FileManagement"):
            upload_bytes(session, "DC0", _datastore(session.si).name, "refused.log", b"x")
        assert time.monotonic() - started < 1.0
    finally:
        session.logout()


def test_a_new_role_is_answered_with_its_id(psim):
    """As vCenter: AddAuthorizationRole answers the id the new role is listed under (vcsim answered 0)."""
    _, si = psim
    authz = si.content.authorizationManager
    ids = [authz.AddAuthorizationRole(name=f"numbered-{n}", privIds=["System.Read"]) for n in range(2)]
    try:
        listed = {r.name: r.roleId for r in authz.roleList}
        assert ids == [listed["numbered-0"], listed["numbered-1"]] and ids[0] != ids[1]
    finally:
        for role_id in ids:
            authz.RemoveAuthorizationRole(roleId=role_id, failIfUsed=False)
