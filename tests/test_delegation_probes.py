"""Hostile calls on session delegation (issue 19, found by a probe of it): the dynamic-items call asks no vCenter
for an anonymous caller; one configured vCenter that is down (or an ESXi host, which has no instance uuid) does
not hide the object's own; a vSphere Client endpoint whose path or port is not plain is refused before anything
is connected to."""

from __future__ import annotations

import socket

import pytest

from tests.api_support import make_app, target_path
from tests.support import session_for

GATEWAY = "vmware-api-gateway-url"


class Listener:
    """A TCP port that counts who connects (a vCenter that accepts and never answers)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]

    def connected(self) -> bool:
        try:
            self.sock.accept()[0].close()
        except socket.timeout:
            return False
        return True

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener():
    started = Listener()
    yield started
    started.close()


@pytest.fixture
def user(sim):
    session = session_for(sim)
    yield session
    session.logout()


def vm_object_id(session) -> str:
    view = session.content.viewManager.CreateContainerView(session.content.rootFolder, [], True)
    vm_id = next(o._moId for o in view.view if type(o).__name__.endswith("VirtualMachine"))
    return f"urn:vmomi:VirtualMachine:{vm_id}:{session.about().instanceUuid}"


def test_an_anonymous_dynamic_items_call_asks_no_vcenter(sim, listener):
    both = {f"127.0.0.1:{listener.port}": sim.thumbprint_sha256, f"{sim.host}:{sim.port}": sim.thumbprint_sha256}
    client = make_app(sim, VCENTER_THUMBPRINTS=both).test_client()
    r = client.post("/api/dynamic-items/vm/summary",
                    json={"objectIds": ["urn:vmomi:VirtualMachine:vm-1:5a1c0000-0000-4000-8000-000000000001"]})
    assert r.status_code == 401 and r.get_json()["code"] == "unauthenticated", r.get_json()
    assert not listener.connected()


def test_a_vcenter_that_is_down_does_not_hide_the_objects_own(sim, user):
    closed = socket.create_server(("127.0.0.1", 0))
    down = closed.getsockname()[1]
    closed.close()  # nothing listens there: refused at once
    both = {f"127.0.0.1:{down}": sim.thumbprint_sha256, f"{sim.host}:{sim.port}": sim.thumbprint_sha256}
    client = make_app(sim, VCENTER_THUMBPRINTS=both).test_client()
    r = client.post("/api/dynamic-items/vm/summary", json={"objectIds": [vm_object_id(user)]},
                    headers={"vmware-api-session-id": user.session_id})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["dynamicItems"] == [{"id": "vicVmCard", "visible": False}]


def test_a_configured_esxi_host_does_not_break_the_lookup(sim, user, start_sim):
    esx = start_sim(esx=True)
    both = {f"{esx.host}:{esx.port}": esx.thumbprint_sha256, f"{sim.host}:{sim.port}": sim.thumbprint_sha256}
    client = make_app(sim, VCENTER_THUMBPRINTS=both).test_client()
    r = client.post("/api/dynamic-items/vm/summary", json={"objectIds": [vm_object_id(user)]},
                    headers={"vmware-api-session-id": user.session_id})
    assert r.status_code == 200, r.get_json()


@pytest.mark.parametrize("suffix", ["/api/../../sdk", "/api/ui/./x", "/api/ui%20a", "/api/u i", "/api/ui\\x",
                                    ":0/api/ui", ":65536/api/ui"])
def test_a_gateway_whose_path_or_port_is_not_plain_is_refused_before_connecting(sim, user, listener, suffix):
    port = f"127.0.0.1:{listener.port}"
    client = make_app(sim, VCENTER_THUMBPRINTS={port: sim.thumbprint_sha256,
                                                f"{sim.host}:{sim.port}": sim.thumbprint_sha256}).test_client()
    gateway = f"https://127.0.0.1{suffix}" if suffix.startswith(":") else f"https://{port}{suffix}"
    r = client.get(f"{target_path(sim)}/vch", headers={"vmware-api-session-id": user.session_id, GATEWAY: gateway})
    assert r.status_code == 400 and r.get_json()["code"] == "invalid_gateway", (gateway, r.get_json())
    assert GATEWAY in r.get_json()["message"]
    assert user.session_id not in r.get_data(as_text=True)
    assert not listener.connected()
