"""vic-machine's commands on an ESXi host that no vCenter manages, as a user runs them: update firewall, create
(no compute resource, no bridge network: both as 1.5.8 defaults them), ls, inspect, inspect config, configure,
upgrade and --rollback, debug, delete; what only vCenter has is refused before anything is made."""

from __future__ import annotations

import json

import pytest

from sim.isos import ensure_isos
from tests.esxi_support import esxi_picture, esxi_world, host_networking  # noqa: F401
from vic_machine.cli.main import main
from vic_machine.iso import check_isos
from vic_machine.operations.find import find_vch

PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHvW0bQ0b9q7sJb2Q1sLrV8QeJm0a3xqk0Qn8m3mV5Yh tester@example"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def newer(tmp_path_factory):
    isos = check_isos(*ensure_isos(tmp_path_factory.mktemp("new"), version="v1.5.9", build="1"))
    return ["--appliance-iso", isos.appliance.path, "--bootstrap-iso", isos.bootstrap.path]


def test_firewall_of_the_host(esxi_world, capsys):
    target = esxi_world.target_args
    code, out, err = run(capsys, "update", "firewall", *target, "--deny", "--output", "json")
    assert code == 0, err
    [host] = json.loads(out)["hosts"]
    assert host["host"] == "localhost.localdomain" and host["ok"]
    code, out, err = run(capsys, "create", *target, "--name", "fw-blocked", "--image-store", "LocalDS_0",
                         "--dry-run")
    assert code == 2 and "2377/tcp" in out + err
    code, out, err = run(capsys, "update", "firewall", *target, "--allow")
    assert code == 0 and "localhost.localdomain" in out


def test_vcenter_only_options_refused(esxi_world, capsys):
    before = esxi_picture(esxi_world.session)
    code, out, err = run(capsys, "create", *esxi_world.target_args, *esxi_world.iso_args, "--name", "no-vc",
                         "--image-store", "LocalDS_0", "--no-tls", "--affinity-vm-group", "--ops-user", "ops",
                         "--ops-password", "secret", "--ops-grant-perms")
    text = out + err
    assert code != 0
    assert "compute.affinity.use_vm_group" in text and "DRS VM groups may only be configured through vCenter" in text
    assert "endpoint.operations_credentials.grant_permissions" in text and "vCenter roles" in text
    assert esxi_picture(esxi_world.session) == before


def test_lifecycle_from_the_cli(esxi_world, capsys, tmp_path, monkeypatch, newer):
    monkeypatch.chdir(tmp_path)
    session, target, isos = esxi_world.session, esxi_world.target_args, esxi_world.iso_args
    before = esxi_picture(session)
    code, out, err = run(capsys, "create", *target, *isos, "--name", "esx-cli", "--image-store", "LocalDS_0",
                         "--tls-cname", "esx.example.com", "--timeout", "20s", "--output", "json")
    assert code == 0, err
    created = json.loads(out)
    assert (tmp_path / "esx-cli" / "key.pem").exists()
    assert "esx-cli" in host_networking(session)[0]

    code, out, err = run(capsys, "ls", *target, *isos[:2], "--output", "json")
    [listed] = json.loads(out)["vchs"]
    assert (listed["name"], listed["upgrade_status"]) == ("esx-cli", "Up to date")
    assert listed["path"] == "/ha-datacenter/host/localhost.localdomain/Resources"

    code, out, err = run(capsys, "inspect", *target, "--name", "esx-cli", "--tls-cert-path", str(tmp_path / "esx-cli"))
    assert code == 0, err
    assert f"VCH Admin Portal:\nhttps://{created['client_ip']}:2378" in out
    code, out, err = run(capsys, "inspect", "config", *target, "--name", "esx-cli")
    assert code == 0, err
    assert "--bridge-network=esx-cli" in out and "--image-store=ds://LocalDS_0" in out

    code, out, err = run(capsys, "configure", *target, "--name", "esx-cli", "--cpu", "1500", "--timeout", "20s",
                         "--output", "json")
    assert code == 0, err
    vch = find_vch(session, name="esx-cli")
    code, out, err = run(capsys, "inspect", "config", *target, "--name", "esx-cli")
    assert "--cpu=1500" in out

    code, out, err = run(capsys, "upgrade", *target, *newer, "--name", "esx-cli", "--timeout", "20s")
    assert code == 0, err
    assert "upgraded from v1.5.8-0-sim to v1.5.9-1-sim" in out
    code, out, err = run(capsys, "upgrade", *target, *newer, "--name", "esx-cli", "--rollback", "--timeout", "20s")
    assert code == 0, err
    assert "rolled back from v1.5.9-1-sim to v1.5.8-0-sim" in out
    assert find_vch(session, name="esx-cli").version == "v1.5.8-0-sim"

    key = tmp_path / "id.pub"
    key.write_text(PUBLIC_KEY + "\n")
    code, out, err = run(capsys, "debug", *target, "--name", "esx-cli", "--enable-ssh", "--authorized-key", str(key))
    assert code == 0, err
    assert esxi_world.stand_in.debug_state(vch.id).ssh_enabled

    code, out, err = run(capsys, "delete", *target, *isos[:2], "--name", "esx-cli", "--force")
    assert code == 0, err
    assert "VCH esx-cli deleted" in out
    assert esxi_picture(session) == before  # the bridge's switch and port group included
