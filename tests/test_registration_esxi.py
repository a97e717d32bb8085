"""The vSphere Client plug-in stays vCenter-only: on an ESXi host that no vCenter manages, registering, looking up
and unregistering it are refused with a message saying why and what to use instead, and nothing is called."""

from __future__ import annotations

import pytest

from plugin_server.registration import register, status, unregister
from sim.runner import Simulator
from tests.support import session_for
from vic_machine.errors import TargetError

THUMBPRINT = ":".join(["AB"] * 32)


@pytest.fixture(scope="module")
def esx_session():
    simulator = Simulator.start(esx=True, vm=0)
    session = session_for(simulator)
    yield session
    session.logout()
    simulator.stop()


@pytest.mark.parametrize("action", [
    lambda s: register(s, "https://127.0.0.1:8443/plugin.json", THUMBPRINT),
    lambda s: unregister(s),
    lambda s: status(s),
], ids=["register", "unregister", "status"])
def test_refused_on_a_lone_host(esx_session, action):
    calls = esx_session.round_trips
    with pytest.raises(TargetError) as refused:
        action(esx_session)
    text = str(refused.value)
    assert "is an ESXi host that no vCenter manages" in text and "vSphere Client plug-in" in text
    assert "vic-machine, vic-tui or this server's REST API" in text
    assert esx_session.round_trips == calls  # refused before asking the host anything
