"""CORS as vic-machine-server 1.5.8 answers it: vic-ui calls the API from the vSphere Client's origin."""

import pytest

from plugin_server.app import create_app

ORIGIN = "https://vcenter.example.com"
VCH = "/container/target/vcenter.example.com/datacenter/datacenter-2/vch"


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def _preflight(client, method="POST", headers="content-type,x-vmware-ticket", path=VCH, origin=ORIGIN):
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                         "Access-Control-Request-Headers": headers})


def test_preflight_from_the_vcenter_origin_is_allowed(client):
    r = _preflight(client)
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Access-Control-Allow-Methods"] == "POST"
    assert {h.strip().lower() for h in r.headers["Access-Control-Allow-Headers"].split(",")} == {
        "content-type", "x-vmware-ticket"}
    assert "Access-Control-Allow-Credentials" not in r.headers


@pytest.mark.parametrize("method", ["HEAD", "GET", "POST", "PUT", "PATCH", "DELETE"])
def test_preflight_allows_1_5_8_methods(client, method):
    r = _preflight(client, method=method, headers="authorization,user-agent")
    assert r.headers["Access-Control-Allow-Methods"] == method


def test_preflight_asking_for_another_header_gets_no_cors_headers(client):
    r = _preflight(client, headers="x-vmware-ticket,x-evil")
    assert "Access-Control-Allow-Origin" not in r.headers


def test_actual_answers_carry_the_origin_and_exposed_headers(client):
    r = client.get("/container/hello", headers={"Origin": ORIGIN})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Location" in r.headers["Access-Control-Expose-Headers"]
    assert "Origin" in r.headers["Vary"]
    # An error answer too: the browser must let vic-ui read error.message.
    r = client.get(f"{VCH}?thumbprint=AA", headers={"Origin": ORIGIN})
    assert r.status_code >= 400 and r.headers["Access-Control-Allow-Origin"] == "*"


def test_configured_origins_narrow_it():
    client = create_app({"TESTING": True, "CORS_ORIGINS": [ORIGIN]}).test_client()
    assert _preflight(client).headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Origin" not in _preflight(client, origin="https://elsewhere.example").headers
    r = client.get("/container/hello", headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_serve_takes_cors_origins(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from plugin_server import cli

    seen = {}

    class Server:
        def __init__(self, app, *args, **kwargs):
            seen["origins"] = app.config["CORS_ORIGINS"]

        def run(self):
            pass

    monkeypatch.setattr(cli, "PluginServer", Server)
    base = ["serve", "--state-dir", str(tmp_path)]
    result = CliRunner().invoke(cli.cli, [*base, "--cors-origin", ORIGIN, "--cors-origin", "https://vc2.example"])
    assert result.exit_code == 0, result.output
    assert seen["origins"] == [ORIGIN, "https://vc2.example"]
    assert CliRunner().invoke(cli.cli, base).exit_code == 0 and seen["origins"] == ["*"]
