"""The operations user: validation warns of its missing privileges; --ops-grant-perms grants VIC's roles on create
(seen through RetrieveEntityPermissions and the user's own effective privileges) and delete removes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyVmomi import vim

from tests.vch_support import permissions_of, vch_spec
from vic_machine.inventory import take_snapshot
from vic_machine.operations.create import create
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.opsuser import ROLES
from vic_machine.validate import validate
from vic_machine.vsphere.collector import retrieve


@pytest.fixture(scope="module")
def env(vch_world):
    world = vch_world(users={"ops": "ops-pw"})
    return world.sim, world.session, world.isos


def _ops_spec(name: str, grant: bool):
    spec = vch_spec(name)
    creds = spec.endpoint.operations_credentials
    creds.user, creds.password, creds.grant_permissions = "ops", "ops-pw", grant
    return spec


def test_validation_lists_missing_ops_privileges(env):
    _, session, _ = env
    findings = validate(_ops_spec("vch-noperm", grant=False), take_snapshot(session), session=session,
                        step="operations")
    [finding] = [f for f in findings if f.code == "operations.missing_privileges"]
    # A warning, not an error: vCenter creates the VCH all the same, and VIC Engine 1.5.8 checks only the login.
    assert finding.level == "warning" and finding.path == "endpoint.operations_credentials.user"
    assert "Network.Assign on network DC0_DVPG0" in finding.message
    assert "VirtualMachine.Interact.PowerOn on resource pool" in finding.message
    assert "--ops-grant-perms" in finding.remedy
    # With grant_permissions the roles will be granted at create: nothing to report.
    granted = validate(_ops_spec("vch-noperm", grant=True), take_snapshot(session), session=session,
                       step="operations")
    assert not [f for f in granted if f.code == "operations.missing_privileges"]


def test_grant_on_create_and_remove_on_delete(env):
    sim, session, isos = env
    assert permissions_of(session, "ops") == {}
    result = create(session, _ops_spec("vch-ops", grant=True), isos=isos, timeout=20)
    held = permissions_of(session, "ops")
    names = {o._moId: p["name"] for o, p in retrieve(session.content, session.content.rootFolder,
                                                      {vim.ManagedEntity: ["name"]}).items()}
    by_name = {names.get(moid, "root"): role for moid, role in held.items()}
    assert by_name["DC0"] == "vic-vch-datacenter" and by_name["LocalDS_0"] == "vic-vch-datastore"
    assert by_name["DC0_DVPG0"] == "vic-vch-network" and by_name["DC0_C0"] == "vic-vch-datastore"
    endpoint = sorted(names[m] for m, r in held.items() if r == "vic-vch-endpoint")
    assert endpoint == ["vch-ops", "vch-ops"]  # its resource pool and its VM folder
    roles = {r.name: set(r.privilege) for r in session.content.authorizationManager.roleList}
    assert set(ROLES["endpoint"]) <= roles["vic-vch-endpoint"]

    # The grants work, seen by the ops user's own session: for another VCH in the same place only the
    # endpoint privileges on the parent pool (granted per VCH, on its own pool) are still missing.
    ops = _ops_spec("vch-other", grant=False)
    [finding] = [f for f in validate(ops, take_snapshot(session), session=session, step="operations")
                 if f.code == "operations.missing_privileges"]
    assert "on resource pool" in finding.message and "Network.Assign" not in finding.message
    assert "datastore LocalDS_0" not in finding.message and "datacenter DC0" not in finding.message

    removed = delete_vch(session, find_vch(session, vch_id=result.vm))
    assert "permissions of ops" in removed.removed
    assert permissions_of(session, "ops") == {}


def _target(sim) -> list[str]:
    return ["--target", f"https://{sim.host}:{sim.port}", "--user", sim.username, "--password", sim.password,
            "--thumbprint", sim.thumbprint_sha256]


def test_grant_and_remove_from_the_cli(env, capsys, tmp_path):
    from vic_machine.cli.main import main

    sim, session, isos = env
    assert permissions_of(session, "ops") == {}
    code = main(["create", *_target(sim), "--name", "vch-ops-cli", "--compute-resource", "DC0_C0",
                 "--image-store", "LocalDS_0", "--bridge-network", "DC0_DVPG0", "--no-tlsverify",
                 "--tls-cname", "vch-ops-cli.example.com", "--ops-user", "ops", "--ops-password", "ops-pw",
                 "--ops-grant-perms", "--appliance-iso", str(isos.appliance.path), "--bootstrap-iso",
                 str(isos.bootstrap.path), "--tls-cert-path", str(tmp_path / "certs"), "--timeout", "20s"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "ops-pw" not in out.out + out.err
    assert "vic-vch-endpoint" in permissions_of(session, "ops").values()
    assert main(["delete", *_target(sim), "--name", "vch-ops-cli", "--force"]) == 0
    assert permissions_of(session, "ops") == {}


def test_grant_and_remove_through_the_api(env):
    from tests.api_support import basic, make_app, respond_async, sse_events, target_path
    from vic_machine import spec as vch_spec_module

    sim, session, isos = env
    client = make_app(sim, CREATE_TIMEOUT=20, ISO_DIR=str(Path(isos.appliance.path).parent)).test_client()
    auth = basic(sim.username, sim.password)
    body = vch_spec_module.dump(_ops_spec("vch-ops-api", grant=True), include_secrets=True)
    body["auth"]["server"]["generate"]["cname"] = "vch-ops-api.example.com"
    r = client.post(f"{target_path(sim)}/vch", json=body, headers=respond_async(auth))
    assert r.status_code == 202, r.json
    final = sse_events(client, r.json["id"], auth)[-1][1]
    assert final["state"] == "success", final
    assert "vic-vch-endpoint" in permissions_of(session, "ops").values()
    r = client.delete(f"{target_path(sim)}/vch/{final['result']['id']}", json={}, headers=respond_async(auth))
    assert sse_events(client, r.json["id"], auth)[-1][1]["state"] == "success"
    assert permissions_of(session, "ops") == {}
