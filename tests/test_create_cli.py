"""The vic-machine CLI around create, ls, inspect, cert and delete: flags, JSON output, exit codes."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.vch_support import picture
from vic_machine.cli.main import main


@pytest.fixture(scope="module")
def env(vch_world):
    world = vch_world()
    return world.session, world.target_args, world.iso_args


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_cli_lifecycle(env, tmp_path, capsys, monkeypatch):
    session, target, isos = env
    monkeypatch.chdir(tmp_path)
    before = picture(session)
    code, out = run(capsys, "create", *target, *isos, "--name", "cli-vch", "--compute-resource", "DC0_C0",
                    "--image-store", "LocalDS_0", "--bridge-network", "DC0_DVPG0", "--tls-cname", "cli.example.com",
                    "--timeout", "20s", "--output", "json")
    assert code == 0, out
    created = json.loads(out)
    assert created["docker_env"]["DOCKER_CERT_PATH"] == str(tmp_path / "cli-vch")
    assert (tmp_path / "cli-vch" / "key.pem").exists()

    code, out = run(capsys, "ls", *target, "--output", "json", *isos[:2])
    assert code == 0 and [v["name"] for v in json.loads(out)["vchs"]] == ["cli-vch"]
    assert json.loads(out)["vchs"][0]["upgrade_status"] == "Up to date"

    code, out = run(capsys, "inspect", *target, "--name", "cli-vch")
    assert code == 0 and f"VCH ID: {created['vm']}" in out and "DOCKER_TLS_VERIFY=1" in out
    assert f"https://{created['client_ip']}:2378" in out and "--tlsverify" in out

    code, out = run(capsys, "inspect", "config", *target, "--id", created["vm"])
    assert code == 0 and "--name=cli-vch" in out and "--compute-resource=/DC0/host/DC0_C0/Resources" in out
    assert "--password" not in out and "pass" not in out.replace("--thumbprint", "")

    code, out = run(capsys, "cert", *target, "--name", "cli-vch", "--output", "json")
    assert code == 0
    with zipfile.ZipFile(json.loads(out)["zip"]) as zf:
        assert sorted(zf.namelist()) == ["ca.pem", "cert.pem", "cli-vch.env", "key.pem"]

    code, out = run(capsys, "delete", *target, "--name", "cli-vch", "--output", "json")
    assert code == 0 and "endpoint VM cli-vch" in json.loads(out)["removed"]
    assert picture(session) == before


def test_exit_codes(env, capsys):
    session, target, isos = env
    assert main(["create", *target, *isos, "--name", "bad/name", "--compute-resource", "DC0_C0",
                 "--image-store", "LocalDS_0", "--bridge-network", "DC0_DVPG0"]) == 2
    # Validation against vCenter refuses before touching anything: exit 2, findings shown.
    assert main(["create", *target, *isos, "--name", "novch", "--compute-resource", "DC0_C0",
                 "--image-store", "NoSuchDS", "--bridge-network", "DC0_DVPG0", "--tls-cname", "x.example.com"]) == 2
    assert main(["delete", *target, "--name", "nothing-here"]) == 1
    assert main(["inspect", *target]) == 2
    capsys.readouterr()
