"""ls lists what failed operations left that is no VCH's (issue 14: unused operations-user roles, snapshots of an
interrupted configure), and looking costs one request when nothing is left (issue 17)."""

from __future__ import annotations

import pytest
from pyVmomi import vim

from tests.support import session_for
from tests.test_ls import make_vch, sorted_vms
from vic_machine.cli.main import main
from vic_machine.operations.leftovers import leftovers
from vic_machine.operations.ls import list_vchs
from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.raw_soap import role_names
from vic_machine.vsphere.tasks import run_task

CONFIGURE_SNAPSHOT = "Before vic-machine configure"


@pytest.fixture(scope="module")
def env(start_sim):
    sim = start_sim(vm=2)
    session = session_for(sim)
    vms = sorted_vms(session)
    make_vch(vms[0], "left-a")
    make_vch(vms[1], "left-b")
    yield sim, session, vms
    session.logout()


def ls(sim, capsys) -> tuple[int, str, str]:
    code = main(["ls", "--target", f"{sim.host}:{sim.port}", "--user", sim.username, "--password", sim.password,
                 "--thumbprint", sim.thumbprint_sha256])
    out, err = capsys.readouterr()
    return code, out, err


def test_nothing_left_costs_one_request(env, capsys):
    sim, session, _ = env
    vchs = list_vchs(session)
    before = session.round_trips
    assert leftovers(session, vchs) == []
    # The roles; no snapshot tree is read for VCHs that have no snapshot, no permission without a role of ours.
    assert session.round_trips - before == 1
    code, out, err = ls(sim, capsys)
    assert code == 0 and "left-a" in out and "Left behind" not in err


def test_the_roles_read_raw_are_vcenters(env):
    _, session, _ = env
    manager = session.content.authorizationManager
    roles = retrieve_objects(session.content, [manager], ["roleList"])[manager]["roleList"]
    assert role_names(session) == {role.roleId: role.name for role in roles}
    assert len(roles) > 3  # the simulator's system and sample roles


def test_an_unused_role_of_ours_is_listed_a_used_one_not(env, capsys):
    sim, session, vms = env
    manager = session.content.authorizationManager
    unused = manager.AddAuthorizationRole(name="vic-vch-left-unused", privIds=["System.Read"])
    used = manager.AddAuthorizationRole(name="vic-vch-left-used", privIds=["System.Read"])
    other = manager.AddAuthorizationRole(name="someone-elses-role", privIds=["System.Read"])
    manager.SetEntityPermissions(entity=vms[1], permission=[vim.AuthorizationManager.Permission(
        principal="root", group=False, roleId=used, propagate=False)])
    try:
        code, _, err = ls(sim, capsys)
        assert code == 0
        assert "role vic-vch-left-unused (no permission uses it): remove with vic-machine delete --leftovers" in err
        assert "vic-vch-left-used" not in err and "someone-elses-role" not in err
    finally:
        manager.RemoveEntityPermission(entity=vms[1], user="root", isGroup=False)
        for role in (unused, used, other):
            manager.RemoveAuthorizationRole(roleId=role, failIfUsed=False)


def test_a_configure_snapshot_is_listed_another_not(env, capsys):
    sim, session, vms = env
    for name, description in (("ours", CONFIGURE_SNAPSHOT), ("a user's", "before patching")):
        run_task(lambda n=name, d=description: vms[0].CreateSnapshot_Task(name=n, description=d, memory=False,
                                                                         quiesce=False), "take a snapshot")
    try:
        code, _, err = ls(sim, capsys)
        assert code == 0
        assert (f"snapshot 'ours' of VCH left-a ({vms[0]._moId}): remove with vic-machine delete --leftovers "
                f"--name left-a") in err
        assert "a user's" not in err and "left-b" not in err
    finally:
        run_task(lambda: vms[0].RemoveAllSnapshots_Task(), "remove the snapshots")
