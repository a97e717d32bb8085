"""``vic-machine debug`` and ``?action=debug``: SSH enabled with an authorized key and a root password set, as the
appliance stand-in saw it; the password never appears in output, answers or the VM's configuration."""

from __future__ import annotations

import json

import pytest

from tests.api_support import basic, make_app, target_path
from tests.upgrade_support import make_vch, start_env
from vic_machine.cli.main import main
from vic_machine.extraconfig import read_extra_config
from vic_machine.operations.debug import REQUEST_PREFIX

PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHvW0bQ0b9q7sJb2Q1sLrV8QeJm0a3xqk0Qn8m3mV5Yh tester@example"
PASSWORD = "Corr3ct-Horse-Battery"


@pytest.fixture(scope="module")
def env(vch_world, tmp_path_factory):
    return start_env(vch_world, tmp_path_factory)


def _request_keys(vm) -> dict:
    return {k: v for k, v in read_extra_config(vm.config.extraConfig).items() if k.startswith(REQUEST_PREFIX)}


def test_debug_from_the_cli_enables_ssh(env, capsys, tmp_path):
    vch = make_vch(env, "dbg-cli")
    key_file = tmp_path / "id.pub"
    key_file.write_text(PUBLIC_KEY + "\n")
    assert env.stand_in.debug_state(vch.id).ssh_enabled is False

    code = main(["debug", *env.target, "--name", "dbg-cli", "--enable-ssh", "--authorized-key", str(key_file),
                 "--rootpw", PASSWORD])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "SSH enabled with the authorized key, root password set" in out
    assert PASSWORD not in out + err
    seen = env.stand_in.debug_state(vch.id)
    assert seen.ssh_enabled and seen.authorized_keys == (PUBLIC_KEY,) and seen.root_password_set
    assert PASSWORD not in repr(seen)
    # The request was taken and removed: nothing (sealed password included) is left in the VM's configuration.
    assert set(_request_keys(vch.vm)) <= {f"{REQUEST_PREFIX}done"}

    code = main(["debug", *env.target, "--name", "dbg-cli", "--authorized-key", str(key_file)])
    assert code == 2 and "enable_ssh" in capsys.readouterr().err
    private = tmp_path / "id"
    private.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n")
    code = main(["debug", *env.target, "--name", "dbg-cli", "--enable-ssh", "--authorized-key", str(private)])
    assert code == 2 and "public key" in capsys.readouterr().err


def test_debug_through_the_api(env):
    client = make_app(env.sim).test_client()
    auth = basic(env.sim.username, env.sim.password)
    vch = make_vch(env, "dbg-api")
    url = f"{target_path(env.sim)}/vch/{vch.id}?action=debug"

    r = client.post(url, json={"enable_ssh": True, "authorized_key": PUBLIC_KEY, "root_password": PASSWORD},
                    headers=auth)
    assert r.status_code == 200, r.json
    assert r.json["ssh_enabled"] is True and r.json["root_password_set"] is True
    assert PASSWORD not in json.dumps(r.json)
    seen = env.stand_in.debug_state(vch.id)
    assert seen.ssh_enabled and PUBLIC_KEY in seen.authorized_keys and seen.root_password_set

    r = client.post(url, json={"enable_ssh": False}, headers=auth)
    assert r.status_code == 400 and "enable_ssh" in r.json["message"]
    r = client.post(url, json={"root_password": 42}, headers=auth)
    assert r.status_code == 400 and PASSWORD not in json.dumps(r.json)


def test_debug_needs_a_running_vch(env, capsys):
    vch = make_vch(env, "dbg-off")
    vch.vm.PowerOffVM_Task()
    code = main(["debug", *env.target, "--id", vch.id, "--enable-ssh"])
    assert code == 1 and "not powered on" in capsys.readouterr().err
    assert env.stand_in.debug_state(vch.id).ssh_enabled is False
