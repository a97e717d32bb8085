"""The simulator's extra users (-user) and the privileges their permissions grant them."""

from __future__ import annotations

import ssl

import pytest
from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import SoapStubAdapter, vim, vmodl

PRIVILEGES = ["System.Read", "VirtualMachine.Inventory.Create", "Resource.CreatePool"]
READ_ONLY_ROLE = -2
ADMIN_ROLE = -1


DATACENTER: dict[str, str] = {}


@pytest.fixture(scope="module")
def usersim(start_sim):
    sim = start_sim(users={"viewer": "view-pass", "other": "other-pass"})
    si = sim.connect()
    DATACENTER["id"] = si.content.rootFolder.childEntity[0]._moId
    Disconnect(si)
    return sim


def login(sim, user, password):
    return SmartConnect(host=sim.host, port=sim.port, user=user, pwd=password, disableSslCertValidation=True)


@pytest.fixture
def admin(usersim):
    si = usersim.connect()
    yield si
    Disconnect(si)


@pytest.fixture
def viewer(usersim, admin):
    """The viewer logged in, holding no permission until a test grants one (removed afterwards)."""
    si = login(usersim, "viewer", "view-pass")
    yield si
    Disconnect(si)
    authz = admin.content.authorizationManager
    for perm in authz.RetrieveAllPermissions():
        if perm.principal == "viewer":
            authz.RemoveEntityPermission(entity=perm.entity, user="viewer", isGroup=False)


def grant(si, entity, role_id, user="viewer", propagate=True):
    si.content.authorizationManager.SetEntityPermissions(
        entity=entity,
        permission=[vim.AuthorizationManager.Permission(entity=entity, principal=user, group=False,
                                                        roleId=role_id, propagate=propagate)],
    )


def datacenter(si):
    """DC0 in ``si``'s session, named without reading the root folder (which a user without permissions may not)."""
    return vim.Datacenter(DATACENTER["id"], si._stub)


def has(si, entity, session_id=None, privileges=PRIVILEGES):
    key = session_id or si.content.sessionManager.currentSession.key
    return list(si.content.authorizationManager.HasPrivilegeOnEntity(entity=entity, sessionId=key, privId=privileges))


def test_extra_user_logs_in_under_its_own_name(viewer):
    assert viewer.content.sessionManager.currentSession.userName == "viewer"


@pytest.mark.parametrize("user,password", [("viewer", "wrong"), ("nobody", "view-pass"), ("viewer", "")])
def test_wrong_password_or_unknown_user_is_refused(usersim, user, password):
    with pytest.raises(vim.fault.InvalidLogin):
        login(usersim, user, password)


def test_main_user_still_logs_in_only_with_its_password(usersim):
    with pytest.raises(vim.fault.InvalidLogin):
        login(usersim, usersim.username, "view-pass")


def test_clone_session_keeps_the_user(usersim, viewer):
    ticket = viewer.content.sessionManager.AcquireCloneTicket()
    # SmartConnect always logs in: clone on an anonymous stub instead.
    stub = SoapStubAdapter(host=usersim.host, port=usersim.port, sslContext=ssl._create_unverified_context())
    clone = vim.ServiceInstance("ServiceInstance", stub)
    session = clone.content.sessionManager.CloneSession(cloneTicket=ticket)
    try:
        assert session.userName == "viewer"
        assert has(clone, datacenter(clone)) == [False, False, False]
    finally:
        clone.content.sessionManager.Logout()


def test_user_without_permissions_holds_nothing(viewer):
    assert has(viewer, datacenter(viewer)) == [False, False, False]


def test_read_only_on_the_root_folder_propagates(admin, viewer):
    grant(admin, admin.content.rootFolder, READ_ONLY_ROLE)
    assert has(viewer, datacenter(viewer)) == [True, False, False]


def test_admin_role_grants_everything(admin, viewer):
    grant(admin, admin.content.rootFolder, ADMIN_ROLE)
    assert has(viewer, datacenter(viewer)) == [True, True, True]


def test_main_user_holds_every_privilege(admin):
    assert has(admin, datacenter(admin)) == [True, True, True]


def test_permission_without_propagate_stays_on_its_entity(admin, viewer):
    grant(admin, admin.content.rootFolder, ADMIN_ROLE, propagate=False)
    assert has(viewer, viewer.content.rootFolder) == [True, True, True]
    assert has(viewer, datacenter(viewer)) == [False, False, False]


def test_permission_on_a_child_overrides_its_parent(admin, viewer):
    grant(admin, admin.content.rootFolder, ADMIN_ROLE)
    grant(admin, datacenter(admin), READ_ONLY_ROLE)
    assert has(viewer, datacenter(viewer)) == [True, False, False]
    assert has(viewer, viewer.content.rootFolder) == [True, True, True]


def test_admin_asks_about_another_users_session(admin, viewer):
    grant(admin, admin.content.rootFolder, READ_ONLY_ROLE)
    viewer_key = viewer.content.sessionManager.currentSession.key
    assert has(admin, datacenter(admin), session_id=viewer_key) == [True, False, False]


def test_permissions_of_another_user_do_not_apply(admin, viewer):
    grant(admin, admin.content.rootFolder, ADMIN_ROLE, user="other")
    try:
        assert has(viewer, datacenter(viewer)) == [False, False, False]
    finally:
        admin.content.authorizationManager.RemoveEntityPermission(
            entity=admin.content.rootFolder, user="other", isGroup=False)


def test_has_privilege_on_entities_answers_per_entity(admin, viewer):
    dc = datacenter(viewer)
    host_folder = datacenter(admin).hostFolder  # the viewer may not read the datacenter yet
    grant(admin, host_folder, READ_ONLY_ROLE)
    authz = viewer.content.authorizationManager
    key = viewer.content.sessionManager.currentSession.key
    answers = authz.HasPrivilegeOnEntities(entity=[dc, host_folder], sessionId=key, privId=["System.Read"])
    granted = {a.entity._moId: [p.isGranted for p in a.privAvailability] for a in answers}
    assert granted == {dc._moId: [False], host_folder._moId: [True]}


def test_unknown_session_is_refused(admin):
    with pytest.raises(vmodl.fault.InvalidArgument):
        has(admin, datacenter(admin), session_id="no-such-session")
