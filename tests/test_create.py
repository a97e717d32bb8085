"""create → ls → inspect → Docker /info with the printed DOCKER_HOST → delete, in each TLS mode, against the
simulator and the appliance stand-in; afterwards the inventory and the datastore are exactly as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.vch_support import picture, vch_spec
from vic_machine.certs import CertBundle
from vic_machine.operations.create import create
from vic_machine.operations.delete import delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.inspect import inspect_vch
from vic_machine.operations.ls import list_vchs
from vic_machine.operations.wait import docker_request


@pytest.fixture(scope="module")
def env(vch_world):
    world = vch_world()
    return world.sim, world.session, world.isos


@pytest.mark.parametrize("mode", ["tlsverify", "no-tlsverify", "no-tls"])
def test_create_ls_inspect_docker_delete(env, tmp_path, mode):
    sim, session, isos = env
    before = picture(session)
    cert_dir = tmp_path / "certs"
    events = []
    result = create(session, vch_spec(f"vch-{mode}", mode), isos=isos, timeout=20, sink=events.append,
                    cert_dir=str(cert_dir))

    assert result.id == f"VirtualMachine:{result.vm}"
    assert [e.kind for e in events][-1] == "finished"
    assert result.log_path.startswith(f"[LocalDS_0] vch-{mode}/vic-machine_")
    assert not any("PRIVATE KEY" in e.message or "pass" == e.message for e in events)

    [listed] = [v for v in list_vchs(session, iso=isos.appliance) if v.name == f"vch-{mode}"]
    assert (listed.id, listed.power_state, listed.upgrade_status) == (result.vm, "poweredOn", "Up to date")
    assert listed.version == isos.appliance.tag and listed.path == "/DC0/host/DC0_C0/Resources"
    assert listed.docker_host == result.docker_host

    found = find_vch(session, name=f"vch-{mode}", iso=isos.appliance)
    info = inspect_vch(found, isos.appliance, str(cert_dir))
    assert info.admin_portal == f"https://{result.client_ip}:2378"
    assert info.docker_env == result.docker_env
    env_host = info.docker_env["DOCKER_HOST"]
    if mode == "tlsverify":
        assert info.docker_env["DOCKER_TLS_VERIFY"] == "1" and info.docker_env["DOCKER_CERT_PATH"] == str(cert_dir)
        assert "--tlsverify" in info.connect_command and env_host.endswith(":2376")
        # Only the files create wrote: what a docker client would be given.
        client = CertBundle(mode=mode, ca_cert=(cert_dir / "ca.pem").read_bytes(),
                            client_cert=(cert_dir / "cert.pem").read_bytes(),
                            client_key=(cert_dir / "key.pem").read_bytes())
        without = CertBundle(mode=mode, ca_cert=client.ca_cert)
        with pytest.raises(OSError):  # the VCH refuses a client without a certificate
            docker_request(env_host, "/info", without, tls=True)
    else:
        client = None
        assert "DOCKER_TLS_VERIFY" not in info.docker_env
        assert env_host.endswith(":2375" if mode == "no-tls" else ":2376")
    answer = docker_request(env_host, "/info", client, tls=mode != "no-tls")
    assert answer.status == 200 and answer.json()["Name"]

    removed = delete_vch(session, found)
    assert f"endpoint VM vch-{mode}" in removed.removed and f"resource pool vch-{mode}" in removed.removed
    assert f"VM folder vch-{mode}" in removed.removed
    assert picture(session) == before
    assert not [v for v in list_vchs(session) if v.name == f"vch-{mode}"]


def test_certificates_written_like_vic(env, tmp_path):
    sim, session, isos = env
    before = picture(session)
    cert_dir = tmp_path / "vch-files"
    result = create(session, vch_spec("vch-files"), isos=isos, timeout=20, cert_dir=str(cert_dir))
    try:
        names = sorted(p.name for p in cert_dir.iterdir())
        assert names == ["ca-key.pem", "ca.pem", "cert.pem", "key.pem", "server-cert.pem", "server-key.pem",
                         "vch-files.env"]
        assert oct(cert_dir.stat().st_mode & 0o777) == "0o700"
        assert (cert_dir / "key.pem").stat().st_mode & 0o077 == 0
        assert "PRIVATE" not in repr(result) and "key" not in str(result.to_dict()).lower().replace("key.pem", "")
    finally:
        delete_vch(session, find_vch(session, vch_id=result.vm))
    assert picture(session) == before
    assert Path(cert_dir / "ca.pem").exists()  # delete leaves the user's certificate directory alone
