"""Session delegation as VMware documents it (issue 19): the token goes to the vsphere-ui endpoint the view names,
only when that is a configured vCenter, with the target's instance uuid as vc_guid; the simulator's clone-ticket
endpoint answers as vsphere-ui's does (201, 400 without vc_guid, 404 for an unknown uuid)."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading

import pytest

from tests.api_support import make_app, target_path
from tests.support import pipe, session_for

GATEWAY = "vmware-api-gateway-url"


def gateway_of(sim, port: int | None = None) -> str:
    return f"https://{sim.host}:{port or sim.port}/api/ui"


def ask_ticket(sim, token: str, body: bytes) -> tuple[int, dict]:
    conn = http.client.HTTPSConnection(sim.host, sim.port, context=ssl._create_unverified_context(), timeout=10)
    try:
        conn.request("POST", "/api/ui/vcenter/session/clone-ticket", body=body,
                     headers={"vmware-api-session-id": token, "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


class Relay:
    """A TCP pass-through to the simulator (its certificate, so pinning passes), counting connections."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection((self.sim.host, self.sim.port))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(a, b), daemon=True).start()

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def user(sim):
    session = session_for(sim)
    yield session
    session.logout()


def test_the_simulator_refuses_a_clone_ticket_request_without_the_right_vcenter_guid(sim, user):
    assert ask_ticket(sim, user.session_id, b"{}")[0] == 400
    assert ask_ticket(sim, user.session_id, b"not json")[0] == 400
    status, body = ask_ticket(sim, user.session_id, json.dumps({"vc_guid": "00000000-0000-0000-0000-000000000000"}).encode())
    assert status == 404 and "00000000" in body["error"]
    status, body = ask_ticket(sim, user.session_id, json.dumps({"vc_guid": user.about().instanceUuid}).encode())
    assert status == 201 and body["session_clone_ticket"]
    assert ask_ticket(sim, "not-a-session", json.dumps({"vc_guid": user.about().instanceUuid}).encode())[0] == 401


@pytest.mark.parametrize("with_gateway", [True, False], ids=["view-names-the-endpoint", "no-getApiEndpoints"])
def test_a_token_acts_as_its_user(sim, user, with_gateway):
    client = make_app(sim).test_client()
    headers = {"vmware-api-session-id": user.session_id, **({GATEWAY: gateway_of(sim)} if with_gateway else {})}
    r = client.get("/api/targets", headers=headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["targets"][0]["instance_uuid"] == user.about().instanceUuid
    assert client.get(f"{target_path(sim)}/vch", headers=headers).status_code == 200


def test_the_endpoint_the_view_names_is_the_one_asked(sim, user):
    relay = Relay(sim)
    try:
        # The vsphere-ui endpoint under another name (a NAT, another host name): a configured vCenter with the
        # simulator's certificate, which only the view knows to use.
        app = make_app(sim, VCENTER_THUMBPRINTS={f"{sim.host}:{sim.port}": sim.thumbprint_sha256,
                                                 f"127.0.0.1:{relay.port}": sim.thumbprint_sha256})
        r = app.test_client().get(f"{target_path(sim)}/vch", headers={
            "vmware-api-session-id": user.session_id, GATEWAY: f"https://127.0.0.1:{relay.port}/api/ui?x=1#y"})
        assert r.status_code == 200, r.get_json()
        assert relay.connections == 1
    finally:
        relay.close()


def test_an_endpoint_that_is_not_a_configured_vcenter_gets_no_byte(sim, user):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        client = make_app(sim).test_client()
        for gateway in (f"https://127.0.0.1:{port}/api/ui", f"http://{sim.host}:{sim.port}/api/ui",
                        f"https://someone@{sim.host}:{sim.port}/api/ui", "api/ui"):
            r = client.get(f"{target_path(sim)}/vch", headers={"vmware-api-session-id": user.session_id,
                                                                GATEWAY: gateway})
            assert r.status_code == 400, (gateway, r.get_json())
            assert user.session_id not in r.get_data(as_text=True)
        assert r.get_json()["code"] == "invalid_gateway"
        r = client.get(f"{target_path(sim)}/vch", headers={"vmware-api-session-id": user.session_id,
                                                            GATEWAY: f"https://127.0.0.1:{port}/api/ui"})
        assert r.get_json()["code"] == "untrusted_gateway" and f"127.0.0.1:{port}" in r.get_json()["message"]
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()


def test_linked_mode_picks_the_vcenter_by_the_object_id_and_names_an_unlinked_one(sim, start_sim, monkeypatch):
    monkeypatch.setenv("VCSIM_INSTANCE_UUID", "5a1c0000-0000-4000-8000-00000000b0b0")  # a second vCenter's own
    other = start_sim(cluster=0, standalone_host=1, vm=1)
    both = {f"{sim.host}:{sim.port}": sim.thumbprint_sha256, f"{other.host}:{other.port}": other.thumbprint_sha256}
    client = make_app(other, VCENTER_THUMBPRINTS=both).test_client()
    user = session_for(other)
    try:
        guid = user.about().instanceUuid
        assert guid == "5a1c0000-0000-4000-8000-00000000b0b0"
        vm = user.content.viewManager.CreateContainerView(user.content.rootFolder, [], True)
        vm_id = next(o._moId for o in vm.view if type(o).__name__.endswith("VirtualMachine"))
        body = {"objectIds": [f"urn:vmomi:VirtualMachine:{vm_id}:{guid}"]}
        r = client.post("/api/dynamic-items/vm/summary", json=body,
                        headers={"vmware-api-session-id": user.session_id, GATEWAY: gateway_of(other)})
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["dynamicItems"] == [{"id": "vicVmCard", "visible": False}]
        # The vSphere Client of another vCenter that is not linked with this one: 404 there, named here.
        r = client.get(f"/container/target/{other.host}:{other.port}/vch", headers={
            "vmware-api-session-id": user.session_id, GATEWAY: gateway_of(sim)})
        assert r.status_code == 502 and r.get_json()["code"] == "vcenter_not_linked", r.get_json()
        assert f"{sim.host}:{sim.port}" in r.get_json()["message"]
    finally:
        user.logout()
