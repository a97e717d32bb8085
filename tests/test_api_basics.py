"""The plug-in server's read-only API against the simulator: auth, inventory, wizard, validate, errors."""

import pytest

from tests.api_support import basic, make_app, target_path
from tests.support import session_for


@pytest.fixture(scope="module")
def client(sim):
    return make_app(sim).test_client()


@pytest.fixture
def auth(sim):
    return basic(sim.username, sim.password)


def test_hello_and_version(client):
    assert client.get("/container/hello").data == b"You have successfully accessed the VCH Management API."
    assert client.get("/container/version").data.startswith(b"v")


def test_wizard_lists_steps_in_order(client):
    steps = client.get("/container/wizard").json["steps"]
    assert [s["id"] for s in steps][:3] == ["general", "compute", "storage"]


def test_inventory_with_basic_auth(client, sim, auth):
    body = client.get(f"{target_path(sim)}/inventory", headers=auth).json
    assert body["datacenter"] == "DC0"
    assert any(n["name"] == "DC0_DVPG0" for n in body["networks"])


def test_inventory_by_datacenter_id(client, sim, auth):
    dc_id = client.get(f"{target_path(sim)}/inventory", headers=auth).json["datacenter_id"]
    body = client.get(f"{target_path(sim)}/datacenter/{dc_id}/inventory", headers=auth).json
    assert body["datacenter"] == "DC0"


def test_no_credentials_is_401(client, sim):
    r = client.get(f"{target_path(sim)}/inventory")
    assert r.status_code == 401 and "Authentication required" in r.json["message"]


def test_wrong_password_is_401_without_echoing_it(client, sim):
    r = client.get(f"{target_path(sim)}/inventory", headers=basic(sim.username, "s3cret-wrong"))
    assert r.status_code == 401
    assert "s3cret-wrong" not in r.get_data(as_text=True)


def test_untrusted_target_is_400(sim):
    # Only configured vCenters: ?thumbprint= no longer lets a caller name one (issue 13, finding 4).
    client = make_app(sim, VCENTER_THUMBPRINTS={}).test_client()
    r = client.get(f"{target_path(sim)}/inventory", headers=basic(sim.username, sim.password))
    assert r.status_code == 400 and "--vcenter" in r.json["message"]
    r = client.get(f"{target_path(sim)}/inventory?thumbprint={sim.thumbprint_sha1}",
                   headers=basic(sim.username, sim.password))
    assert r.status_code == 400 and r.json["code"] == "untrusted_target"


def test_wrong_thumbprint_is_400(client, sim):
    r = client.get(f"{target_path(sim)}/inventory?thumbprint={'AB' * 32}", headers=basic(sim.username, sim.password))
    assert r.status_code == 400 and "does not match" in r.json["message"]


def test_unknown_datacenter_is_404(client, sim, auth):
    r = client.get(f"{target_path(sim)}/datacenter/NoSuchDC/inventory", headers=auth)
    assert r.status_code == 404 and "DC0" in r.json["message"]


def test_vsphere_client_token_is_traded_for_a_clone_ticket(client, sim):
    admin = session_for(sim)
    r = client.get(f"{target_path(sim)}/inventory", headers={"vmware-api-session-id": admin.session_id})
    assert r.status_code == 200
    r = client.get(f"{target_path(sim)}/inventory", headers={"vmware-api-session-id": "bogus"})
    assert r.status_code == 401 and "log in again" in r.json["message"]
    admin.logout()


def test_clone_ticket_header(client, sim):
    admin = session_for(sim)
    ticket = admin.content.sessionManager.AcquireCloneTicket()
    r = client.get(f"{target_path(sim)}/inventory", headers={"X-VMWARE-TICKET": ticket})
    assert r.status_code == 200
    admin.logout()


VALID = {"name": "api-vch", "compute": {"resource": {"name": "DC0_C0"}},
         "storage": {"image_stores": ["LocalDS_0"]},
         "network": {"bridge": {"port_group": {"name": "DC0_DVPG0"}}},
         "auth": {"server": {"generate": {"cname": "vch.example.com"}}}}


def test_validate_reports_findings_with_field_and_step(client, sim, auth):
    r = client.post(f"{target_path(sim)}/vch/validate", json=VALID, headers=auth)
    assert r.status_code == 200
    codes = {f["code"] for f in r.json["findings"]}
    assert "firewall.blocked" in codes and r.json["valid"] is False
    finding = next(f for f in r.json["findings"] if f["code"] == "firewall.blocked")
    assert finding["step"] == "compute" and "update firewall --allow" in finding["remedy"]


def test_validate_one_step_only(client, sim, auth):
    r = client.post(f"{target_path(sim)}/vch/validate?step=networks", json=VALID, headers=auth)
    assert r.status_code == 200 and r.json["valid"] is True
    assert all(f["step"] == "networks" for f in r.json["findings"])


def test_validate_bad_values_are_findings_on_their_fields(client, sim, auth):
    bad = dict(VALID, name="bad/name", network={"bridge": {"ip_range": "not-a-cidr"}})
    r = client.post(f"{target_path(sim)}/vch/validate", json=bad, headers=auth)
    assert r.status_code == 200 and r.json["valid"] is False
    by_path = {f["path"]: f for f in r.json["findings"] if f["code"] == "input.invalid"}
    assert by_path["name"]["step"] == "general" and "/" in by_path["name"]["message"]
    assert by_path["network.bridge.ip_range"]["step"] == "networks"


def test_validate_malformed_model_is_400_naming_the_field(client, sim, auth):
    r = client.post(f"{target_path(sim)}/vch/validate", json=dict(VALID, debug="loud"), headers=auth)
    assert r.status_code == 400 and "debug" in r.json["errors"]


def test_validate_unknown_step_is_400(client, sim, auth):
    r = client.post(f"{target_path(sim)}/vch/validate?step=nope", json=VALID, headers=auth)
    assert r.status_code == 400 and "general" in r.json["message"]


def test_unknown_operation_is_404(client, auth):
    # Anonymous callers get 401 before anything is looked up (issue 13, finding 3).
    assert client.get("/container/operations/nothing").status_code == 401
    assert client.get("/container/operations/nothing", headers=auth).status_code == 404


def test_api_reference_page_needs_no_cdn(client):
    r = client.get("/container/api")
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert "/container/target/{target}/vch" in page and "openapi.json" in page
    assert "http://" not in page and "https://" not in page
