"""configure changing the operations user: the VCH's permissions move from the old user to the new one (with
--ops-grant-perms), or the old user's are revoked (without it; validation warns of what the new user lacks, as
on create); a configure that fails later leaves the old user's permissions as they were. Core, CLI and API."""

from __future__ import annotations

import pytest
from pyVmomi import vim

from tests.api_support import basic, make_app, sse_events, target_path
from tests.vch_support import permissions_of, vch_spec
from vic_machine.cli.main import main
from vic_machine.errors import OperationFailed
from vic_machine.extraconfig import read_extra_config
from vic_machine.operations import opsuser
from vic_machine.operations.configure import configure
from vic_machine.operations.configure_spec import current_spec
from vic_machine.operations.create import create
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.wait import read_config
from vic_machine.vsphere.collector import retrieve_objects

USERS = {"ops1": "pw-one", "ops2": "pw-two"}


@pytest.fixture(scope="module")
def env(vch_world):
    world = vch_world(users=USERS)
    spec = vch_spec("vch-opsconf", "no-tlsverify")
    creds = spec.endpoint.operations_credentials
    creds.user, creds.password, creds.grant_permissions = "ops1", USERS["ops1"], True
    result = create(world.session, spec, isos=world.isos, timeout=20)
    granted = permissions_of(world.session, "ops1")
    assert granted and "vic-vch-endpoint" in granted.values()
    return world, result.vm, granted


def _record(session, vm_id) -> tuple[str, set[str]]:
    """The VCH's record of granted permissions: principal and the entities (moids)."""
    vm = find_vch(session, vch_id=vm_id).vm
    extra = retrieve_objects(session.content, [vm], ["config.extraConfig"])[vm].get("config.extraConfig") or []
    principal, grants = opsuser.decode_grants(read_extra_config(extra).get(opsuser.GRANTS_KEY))
    return principal, {g.entity.partition(":")[2] for g in grants}


def _ops(user: str, grant: bool | None = None) -> dict:
    creds: dict = {"user": user, "password": USERS[user]}
    if grant is not None:
        creds["grant_permissions"] = grant
    return {"endpoint": {"operations_credentials": creds}}


def _assert_held_by(session, vm_id, user: str, other: str, granted: dict[str, str]) -> None:
    assert permissions_of(session, user) == granted
    assert permissions_of(session, other) == {}
    assert _record(session, vm_id) == (user, set(granted))
    config = read_config(session, find_vch(session, vch_id=vm_id).vm)
    assert config.connection.username == user and config.components_started


def test_failed_configure_leaves_the_old_userspermissions_of(env):
    world, vm_id, granted = env
    world.sim.faults.reset()
    world.sim.faults.inject("PowerOnVM_Task", "InvalidState", count=1)
    try:
        with pytest.raises(OperationFailed) as failed:
            configure(world.session, find_vch(world.session, vch_id=vm_id), _ops("ops2", True), timeout=20)
    finally:
        world.sim.faults.reset()
    assert failed.value.step == "Power on"
    _assert_held_by(world.session, vm_id, "ops1", "ops2", granted)


def test_new_user_without_grant_perms_is_validated_like_on_create(env, capsys):
    # As on create (and as VIC Engine 1.5.8 does), missing privileges are a warning: the VCH is configured to
    # run as ops2, whose lack of privileges is said; ops1's grants go, and none are given to ops2.
    world, vm_id, granted = env
    code = main(["configure", *world.target_args, "--id", vm_id, "--ops-user", "ops2", "--ops-password",
                 USERS["ops2"], "--timeout", "20s"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "ops2, who lacks" in out + err and "VirtualMachine.Interact.PowerOn" in out + err
    assert permissions_of(world.session, "ops1") == {} and permissions_of(world.session, "ops2") == {}
    assert _record(world.session, vm_id) == ("", set())
    assert read_config(world.session, find_vch(world.session, vch_id=vm_id).vm).connection.username == "ops2"
    # Back to ops1, granted, for the tests that follow.
    configure(world.session, find_vch(world.session, vch_id=vm_id), _ops("ops1", True), timeout=20)
    _assert_held_by(world.session, vm_id, "ops1", "ops2", granted)


def test_cli_moves_the_permissions_to_the_new_user(env, capsys):
    world, vm_id, granted = env
    code = main(["configure", *world.target_args, "--id", vm_id, "--ops-user", "ops2", "--ops-password",
                 USERS["ops2"], "--ops-grant-perms", "--timeout", "20s"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert USERS["ops2"] not in out + err
    _assert_held_by(world.session, vm_id, "ops2", "ops1", granted)
    assert current_spec(world.session, find_vch(world.session, vch_id=vm_id))[0] \
        .endpoint.operations_credentials.grant_permissions is True


def test_api_patch_moves_them_back(env):
    world, vm_id, granted = env
    client = make_app(world.sim, CREATE_TIMEOUT=20).test_client()
    auth = basic(world.sim.username, world.sim.password)
    r = client.patch(f"{target_path(world.sim)}/vch/{vm_id}", json=_ops("ops1", True), headers=auth)
    assert r.status_code == 202, r.json
    events = sse_events(client, r.json["id"], auth)
    assert events[-1][1]["state"] == "success", events[-1]
    assert any("Removed" in e.get("message", "") and "ops2" in e.get("message", "") for _, e in events)
    _assert_held_by(world.session, vm_id, "ops1", "ops2", granted)


def test_new_user_with_own_privileges_and_old_grants_revoked(env):
    world, vm_id, _ = env
    session = world.session
    root = session.content.rootFolder
    manager = session.content.authorizationManager
    admin = vim.AuthorizationManager.Permission(entity=root, principal="ops2", group=False, roleId=-1,
                                                propagate=True)
    existing = list(manager.RetrieveEntityPermissions(entity=root, inherited=False) or [])
    manager.SetEntityPermissions(entity=root, permission=[*existing, admin])
    try:
        # No --ops-grant-perms: ops2 holds what it needs already, so validation passes; ops1's grants go.
        result = configure(session, find_vch(session, vch_id=vm_id), _ops("ops2"), timeout=20)
        assert result.applied
        assert permissions_of(session, "ops1") == {}
        assert set(permissions_of(session, "ops2")) == {root._moId}  # its own permission only: nothing granted
        assert _record(session, vm_id) == ("", set())
        assert read_config(session, find_vch(session, vch_id=vm_id).vm).connection.username == "ops2"
    finally:
        manager.RemoveEntityPermission(entity=root, user="ops2", isGroup=False)


def test_granted_to_new_user_then_removed_by_delete(env):
    world, vm_id, granted = env
    session = world.session
    configure(session, find_vch(session, vch_id=vm_id), _ops("ops2", True), timeout=20)
    _assert_held_by(session, vm_id, "ops2", "ops1", granted)
    removed = delete_vch(session, find_vch(session, vch_id=vm_id), force=True)
    assert "permissions of ops2" in removed.removed
    assert permissions_of(session, "ops1") == {} and permissions_of(session, "ops2") == {}

