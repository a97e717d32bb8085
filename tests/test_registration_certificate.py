"""The registration carries the plug-in server's certificate (serverCertificate) as well as its SHA-256
thumbprint where vCenter's API has the field (8.0.2), and `vic-plugin register` checks that the certificate names
the host of the manifest URL (issue 19)."""

from __future__ import annotations

import ssl

import pytest
from click.testing import CliRunner

from plugin_server import registration
from plugin_server.cli import cli
from sim.client.stack import start_plugin_server
from tests.support import session_for
from vic_machine.certs import thumbprint_sha256
from vic_machine.vsphere.certificate import fetch_certificate


@pytest.fixture(scope="module")
def vcenter80(start_sim):
    mp = pytest.MonkeyPatch()
    mp.setenv("VCSIM_API_VERSION", "8.0.2.0")  # a vCenter whose API has ExtensionServerInfo.serverCertificate
    try:
        return start_sim(cluster=0, standalone_host=1, vm=0)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def server(sim, tmp_path_factory):
    url, thumbprint, stop = start_plugin_server(sim, tmp_path_factory.mktemp("plugin-server"))
    yield url.replace("plugin.json", "plugin-multi-manifest.zip"), thumbprint
    stop()


def held(sim, key: str) -> registration.RegisteredPlugin | None:
    """What vCenter holds for ``key``, unregistered afterwards."""
    session = session_for(sim)
    try:
        found = registration.find_registration(session, key)
        if found:
            registration.unregister(session, key)
        return found
    finally:
        session.logout()


def vic_plugin(sim, *args):
    target = ["--target", f"https://{sim.host}:{sim.port}", "--user", sim.username, "--password", sim.password,
              "--thumbprint", sim.thumbprint_sha256]
    return CliRunner().invoke(cli, [args[0], *target, *args[1:]])


def test_the_registered_extension_carries_the_certificate(vcenter80, server, fresh_name):
    url, thumbprint = server
    key = fresh_name("com.example.vic")
    result = vic_plugin(vcenter80, "register", "--url", url, "--key", key)
    assert result.exit_code == 0, result.output
    assert "The certificate names 127.0.0.1, the host of --url, in its subjectAltName" in result.output
    assert "with the server's certificate (serverCertificate) and its SHA-256 thumbprint" in result.output
    served = ssl.DER_cert_to_PEM_cert(fetch_certificate("127.0.0.1", int(url.split(":")[2].split("/")[0])))
    session = session_for(vcenter80)
    try:
        held = registration.find_registration(session, key)
        assert held.server_thumbprint == thumbprint
        assert held.server_certificate.strip() == served.strip()
        assert thumbprint_sha256(held.server_certificate.encode()) == thumbprint
        # Registering the same again changes nothing; the status names the certificate as held.
        again = vic_plugin(vcenter80, "register", "--url", url, "--key", key)
        assert "nothing changed" in again.output, again.output
        assert registration.status(session, key).to_dict()["registered"]["server_certificate"] is True
    finally:
        registration.unregister(session, key)
        session.logout()


def test_a_vcenter_without_the_field_gets_the_thumbprint_alone_and_says_so(sim, server, fresh_name):
    url, thumbprint = server
    key = fresh_name("com.example.vic")
    result = vic_plugin(sim, "register", "--url", url, "--key", key)
    assert result.exit_code == 0, result.output
    assert "with the SHA-256 thumbprint alone: vCenter's API 6.5 has no serverCertificate (8.0.2 has)" in result.output
    found = held(sim, key)
    assert found.server_thumbprint == thumbprint and found.server_certificate == ""


def test_a_certificate_that_does_not_name_the_url_host_is_refused(vcenter80, server, fresh_name):
    url, _ = server
    key = fresh_name("com.example.vic")
    elsewhere = url.replace("127.0.0.1", "localhost")  # the same server under a name its certificate lacks
    result = vic_plugin(vcenter80, "register", "--url", elsewhere, "--key", key)
    assert result.exit_code == 2, result.output
    assert "subjectAltName (127.0.0.1) does not hold localhost" in result.output
    assert "vic-plugin serve --hostname NAME" in result.output
    assert held(vcenter80, key) is None
