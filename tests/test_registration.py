"""``vic-plugin register | status | unregister`` against the simulator and a stand-in plug-in server."""

from __future__ import annotations

import http.server
import ssl
import threading

import pytest
from click.testing import CliRunner

import plugin_server
from plugin_server import registration
from plugin_server.cli import cli
from plugin_server.tasks import TASK_TYPES
from tests.support import session_for
from vic_machine.certs import make_self_signed, thumbprint_sha256


class StandInServer:
    """An HTTPS server answering ``GET /container/version`` as the plug-in server does."""

    def __init__(self, tmp_path) -> None:
        cert_pem, key_pem = make_self_signed("127.0.0.1")
        (tmp_path / "cert.pem").write_bytes(cert_pem)
        (tmp_path / "key.pem").write_bytes(key_pem)
        self.thumbprint = thumbprint_sha256(cert_pem)
        self.version = plugin_server.__version__
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                body = f"v{stand_in.version}".encode() if self.path == "/container/version" else b"not found"
                self.send_response(200 if self.path == "/container/version" else 404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}/plugin.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    stand_in = StandInServer(tmp_path_factory.mktemp("plugin-server"))
    yield stand_in
    stand_in.stop()


@pytest.fixture
def key(fresh_name):
    return fresh_name("com.example.vic")


@pytest.fixture
def vic_plugin(sim):
    """Run ``vic-plugin <command> --target <sim> … <args>``; returns click's Result."""

    def run(command, *args, user=None, password=None, thumbprint=None):
        target = ["--target", f"https://{sim.host}:{sim.port}", "--user", user or sim.username,
                  "--password", password or sim.password, "--thumbprint", thumbprint or sim.thumbprint_sha256]
        return CliRunner().invoke(cli, [command, *target, *args])

    return run


def registered(sim, key):
    session = session_for(sim)
    try:
        return session.content.extensionManager.FindExtension(key)
    finally:
        session.logout()


def test_register_status_reregister_update_unregister(sim, server, key, vic_plugin, monkeypatch):
    result = vic_plugin("register", "--url", server.url, "--key", key)
    assert result.exit_code == 0, result.output
    assert f"SHA-256 thumbprint {server.thumbprint}" in result.output
    assert f"Registered {key} {plugin_server.__version__}" in result.output
    ext = registered(sim, key)
    assert (ext.version, ext.company) == (plugin_server.__version__, "vic-plugin project")
    assert (ext.client[0].type, ext.client[0].url) == ("vsphere-client-remote", server.url)
    assert (ext.server[0].type, ext.server[0].url) == ("MANIFEST_SERVER", server.url)
    assert ext.server[0].serverThumbprint == server.thumbprint
    assert f"{key}.CreateVch" in [t.taskID for t in ext.taskList]
    labels = {kv.key: kv.value for kv in ext.resourceList[0].data}
    assert labels[f"{key}.DeleteVch.label"] == "Delete virtual container host"

    result = vic_plugin("status", "--key", key)
    assert result.exit_code == 0, result.output
    assert "In sync." in result.output

    result = vic_plugin("register", "--url", server.url, "--key", key)
    assert result.exit_code == 0, result.output
    assert "nothing changed" in result.output
    assert registered(sim, key).lastHeartbeatTime == ext.lastHeartbeatTime

    monkeypatch.setattr(plugin_server, "__version__", "99.0.0")
    result = vic_plugin("register", "--url", server.url, "--key", key)
    assert result.exit_code == 0, result.output
    assert f"Updated {key} in" in result.output and "to 99.0.0" in result.output
    assert registered(sim, key).version == "99.0.0"
    assert registered(sim, key).client[0].version == "99.0.0"

    result = vic_plugin("status", "--key", key)
    assert result.exit_code == 1
    assert f"vCenter holds version 99.0.0, the server runs {server.version}" in result.output
    monkeypatch.setattr(server, "version", "99.0.0")
    assert vic_plugin("status", "--key", key).exit_code == 0

    result = vic_plugin("unregister", "--key", key)
    assert result.exit_code == 0, result.output
    assert f"Unregistered {key} 99.0.0" in result.output
    assert registered(sim, key) is None
    result = vic_plugin("status", "--key", key)
    assert result.exit_code == 1
    assert f"{key} is not registered" in result.output


def test_same_version_registered_differently_needs_force(sim, server, key, vic_plugin):
    other = "AB:" * 31 + "AB"
    assert vic_plugin("register", "--url", server.url, "--key", key, "--thumbprint-of-server", other).exit_code == 0

    result = vic_plugin("status", "--key", key)
    assert result.exit_code == 1
    assert f"vCenter expects the thumbprint {other}, the server presents {server.thumbprint}" in result.output

    result = vic_plugin("register", "--url", server.url, "--key", key)
    assert result.exit_code == 1
    assert f"{key} {plugin_server.__version__} is already registered" in result.output
    assert "Pass --force to replace it" in result.output
    assert registered(sim, key).server[0].serverThumbprint == other

    result = vic_plugin("register", "--url", server.url, "--key", key, "--force")
    assert result.exit_code == 0, result.output
    assert f"thumbprint {other} → {server.thumbprint}" in result.output
    assert vic_plugin("status", "--key", key).exit_code == 0
    assert vic_plugin("unregister", "--key", key).exit_code == 0


def test_older_registered_version_is_updated(sim, server, key):
    session = session_for(sim)
    try:
        registration.register(session, server.url, server.thumbprint, key=key, version="0.0.1")
        result = registration.register(session, server.url, server.thumbprint, key=key)
        assert (result.action, result.previous_version) == ("updated", "0.0.1")
        assert registration.find_registration(session, key).version == plugin_server.__version__
        registration.unregister(session, key)
        assert registration.find_registration(session, key) is None
    finally:
        session.logout()


def test_server_cert_option_gives_the_thumbprint(sim, server, key, vic_plugin, tmp_path):
    cert, _ = make_self_signed("127.0.0.1")  # the host of the URL: vCenter 8.0 wants it in the SAN
    (tmp_path / "cert.pem").write_bytes(cert)
    result = vic_plugin("register", "--url", server.url, "--key", key, "--server-cert", str(tmp_path / "cert.pem"))
    assert result.exit_code == 0, result.output
    assert registered(sim, key).server[0].serverThumbprint == thumbprint_sha256(cert)
    assert vic_plugin("unregister", "--key", key).exit_code == 0


def test_wrong_credentials_are_named(server, key, vic_plugin):
    result = vic_plugin("register", "--url", server.url, "--key", key, password="not-the-password")
    assert result.exit_code == 1
    assert "the user name or password is wrong" in result.output
    assert "Traceback" not in result.output


def test_wrong_vcenter_thumbprint_is_refused(server, key, vic_plugin):
    result = vic_plugin("register", "--url", server.url, "--key", key, thumbprint="AA:" * 31 + "AA")
    assert result.exit_code == 1
    assert "does not match the thumbprint AA:AA" in result.output
    assert "Its SHA-256 thumbprint is" in result.output


def test_malformed_server_thumbprint_is_bad_input(sim, server, key, vic_plugin):
    result = vic_plugin("register", "--url", server.url, "--key", key, "--thumbprint-of-server", "12:34")
    assert result.exit_code == 2
    assert "server_thumbprint: must be a SHA-1 (40 hex digits) or SHA-256" in result.output
    assert registered(sim, key) is None


def test_url_must_be_https(key, vic_plugin):
    result = vic_plugin("register", "--url", "http://127.0.0.1:8443/plugin.json", "--key", key)
    assert result.exit_code == 2
    assert "url: must be the https URL of plugin.json" in result.output


def test_unreachable_plugin_server_is_named(key, vic_plugin):
    result = vic_plugin("register", "--url", "https://127.0.0.1:1/plugin.json", "--key", key)
    assert result.exit_code == 1
    assert "Cannot read the certificate of the plug-in server at 127.0.0.1:1" in result.output
    assert "--thumbprint-of-server" in result.output


def test_unregistering_an_unknown_key_says_so(key, vic_plugin):
    result = vic_plugin("unregister", "--key", key)
    assert result.exit_code == 1
    assert f"{key} is not registered in" in result.output


def test_status_as_json_for_a_stopped_server(sim, server, key, vic_plugin):
    session = session_for(sim)
    try:
        registration.register(session, "https://127.0.0.1:1/plugin.json", server.thumbprint, key=key)
    finally:
        session.logout()
    result = vic_plugin("status", "--key", key, "--output", "json")
    assert result.exit_code == 1
    assert '"in_sync": false' in result.output
    assert "Cannot read the certificate of the plug-in server at 127.0.0.1:1" in result.output
    assert vic_plugin("unregister", "--key", key).exit_code == 0


def test_every_task_type_the_server_creates_has_a_label():
    assert set(TASK_TYPES.values()) <= set(registration.TASK_LABELS)
