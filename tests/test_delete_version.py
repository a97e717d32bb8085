"""delete refuses a VCH of another version than the installer's appliance ISO unless forced (vic-machine 1.5's
rule), from the core, the CLI and the API; with no ISO to compare with it does not refuse."""

from __future__ import annotations

import pytest

from sim.isos import ensure_isos
from tests.api_support import basic, make_app, respond_async, sse_events, target_path
from tests.vch_support import vch_spec
from vic_machine.cli.main import main
from vic_machine.errors import NotFound
from vic_machine.iso import check_isos
from vic_machine.operations.create import create
from vic_machine.operations.delete import VersionMismatch, delete_vch
from vic_machine.operations.find import find_vch


@pytest.fixture(scope="module")
def env(vch_world, tmp_path_factory):
    world = vch_world()
    new_dir = tmp_path_factory.mktemp("new-isos")
    new = check_isos(*ensure_isos(new_dir, version="v1.5.9", build="1"))
    return world, new, new_dir


def _gone(session, name: str) -> bool:
    try:
        find_vch(session, name=name)
    except NotFound:
        return True
    return False


def test_cli_refuses_an_older_vch_until_forced(env, capsys):
    world, new, _ = env
    create(world.session, vch_spec("del-old"), isos=world.isos, timeout=20)
    capsys.readouterr()
    code = main(["delete", *world.target_args, "--name", "del-old", "--appliance-iso", new.appliance.path])
    err = capsys.readouterr().err
    assert code == 1
    assert "v1.5.8-0-sim" in err and "v1.5.9-1-sim" in err and "older" in err
    assert "--force" in err and "vic-machine upgrade" in err
    # As in 1.5.8, --force also removes the volume stores: the remedy says so before anyone follows it.
    assert "volume stores" in err
    assert not _gone(world.session, "del-old")

    code = main(["delete", *world.target_args, "--name", "del-old", "--appliance-iso", new.appliance.path,
                 "--force"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert _gone(world.session, "del-old")
    # Forced, the difference is still said (once), as 1.5.8 warns before deleting anyway.
    assert err.count("older than this installer's v1.5.9-1-sim") == 1 and "Warning" in err


def test_newer_vch_is_refused_same_version_is_not(env):
    world, new, _ = env
    create(world.session, vch_spec("del-new"), isos=new, timeout=20)
    vch = find_vch(world.session, name="del-new")
    with pytest.raises(VersionMismatch) as refused:
        delete_vch(world.session, vch, installer=world.isos.appliance)
    assert "newer" in str(refused.value) and refused.value.vch_version.startswith("v1.5.9")
    assert refused.value.installer_version == "v1.5.8-0-sim"
    assert not _gone(world.session, "del-new")
    result = delete_vch(world.session, vch, installer=new.appliance)
    assert "endpoint VM del-new" in result.removed and _gone(world.session, "del-new")


def test_without_an_iso_to_compare_nothing_is_refused(env, capsys, tmp_path, monkeypatch):
    world, new, _ = env
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VIC_ISO_DIR", str(tmp_path))
    create(world.session, vch_spec("del-noiso"), isos=new, timeout=20)
    assert main(["delete", *world.target_args, "--name", "del-noiso"]) == 0, capsys.readouterr().err
    assert _gone(world.session, "del-noiso")


def test_api_refuses_with_409_until_containers_all(env):
    world, _, new_dir = env
    create(world.session, vch_spec("del-api"), isos=world.isos, timeout=20)
    vch_id = find_vch(world.session, name="del-api").id
    client = make_app(world.sim, ISO_DIR=str(new_dir)).test_client()
    auth = basic(world.sim.username, world.sim.password)
    url = f"{target_path(world.sim)}/vch/{vch_id}"

    refused = client.delete(url, json={}, headers=auth)
    assert refused.status_code == 409 and refused.json["code"] == "version_mismatch"
    assert "v1.5.8-0-sim" in refused.json["message"] and '"containers": "all"' in refused.json["message"]
    assert not _gone(world.session, "del-api")

    started = client.delete(url, json={"containers": "all"}, headers=respond_async(auth))
    assert started.status_code == 202, started.json
    _, final = sse_events(client, started.json["id"], auth)[-1]
    assert final["state"] == "success", final
    assert _gone(world.session, "del-api")
