"""Issue 13, finding 6: logging out of vCenter revokes access. Cached sessions are re-validated with vCenter at
least every SESSION_REVALIDATE seconds (30 by default) and on every write, dropped as soon as vCenter says they
ended, and their expiry is not renewed by use."""

from __future__ import annotations

import time

from plugin_server.config import DEFAULTS
from plugin_server.sessions import SessionCache
from tests.api_support import basic, make_app, target_path
from tests.support import session_for

WINDOW = 1.0


class FakeSession:
    def __init__(self) -> None:
        self.logged_out = 0

    def logout(self) -> None:
        self.logged_out += 1


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_default_window_is_at_most_30_seconds():
    assert DEFAULTS["SESSION_REVALIDATE"] <= 30 and DEFAULTS["SESSION_TTL"] >= DEFAULTS["SESSION_REVALIDATE"]


def test_logged_out_token_gets_401_within_the_window(sim):
    app = make_app(sim, SESSION_REVALIDATE=WINDOW)
    client = app.test_client()
    user = session_for(sim)
    headers = {"vmware-api-session-id": user.session_id}
    assert client.get(f"{target_path(sim)}/inventory", headers=headers).status_code == 200
    user.content.sessionManager.Logout()  # the user logs out of the vSphere Client
    logged_out = time.monotonic()
    status = 200
    while time.monotonic() - logged_out < WINDOW + 2:
        r = client.get(f"{target_path(sim)}/inventory", headers=headers)
        status = r.status_code
        if status == 401:
            break
        time.sleep(0.1)
    elapsed = time.monotonic() - logged_out
    assert status == 401 and "log in again" in r.json["message"], r.json
    assert elapsed < WINDOW + 1, elapsed
    assert len(app.extensions["vic_sessions"]) == 0  # dropped, and the cloned session logged out


def test_a_write_revalidates_at_once(sim):
    app = make_app(sim, SESSION_REVALIDATE=300)
    client = app.test_client()
    user = session_for(sim)
    headers = {"vmware-api-session-id": user.session_id}
    assert client.get(f"{target_path(sim)}/inventory", headers=headers).status_code == 200
    user.content.sessionManager.Logout()
    r = client.post(f"{target_path(sim)}/vch/validate", json={"name": "x"}, headers=headers)
    assert r.status_code == 401, r.json


def test_a_session_vcenter_ended_is_replaced(sim):
    """Basic credentials are still good when vCenter terminated our session: the next check logs in again."""
    app = make_app(sim, SESSION_REVALIDATE=0)
    client = app.test_client()
    auth = basic(sim.username, sim.password)
    assert client.get(f"{target_path(sim)}/inventory", headers=auth).status_code == 200
    cache = app.extensions["vic_sessions"]
    (cached,) = [e.session for e in cache._entries.values()]
    admin = session_for(sim)
    try:
        admin.content.sessionManager.TerminateSession(
            sessionId=[cached.content.sessionManager.currentSession.key])
    finally:
        admin.logout()
    assert client.get(f"{target_path(sim)}/inventory", headers=auth).status_code == 200
    (fresh,) = [e.session for e in cache._entries.values()]
    assert fresh is not cached


def test_use_does_not_renew_the_expiry():
    clock = Clock()
    cache = SessionCache(ttl=60, clock=clock)
    first = cache.get_or_create("k", FakeSession)
    clock.now = 50
    assert cache.get_or_create("k", FakeSession) is first
    clock.now = 61
    assert cache.evict_expired() == 1 and first.logged_out == 1


def test_checked_when_due_and_dropped_when_ended():
    clock = Clock()
    cache = SessionCache(ttl=300, revalidate=30, clock=clock)
    verdict = {"alive": True, "checks": 0}

    def check(_session):
        verdict["checks"] += 1
        return verdict["alive"]

    first = cache.get_or_create("k", FakeSession, check=check)
    clock.now = 29
    assert cache.get_or_create("k", FakeSession, check=check) is first and verdict["checks"] == 0
    assert cache.get_or_create("k", FakeSession, check=check, force_check=True) is first and verdict["checks"] == 1
    clock.now = 60
    verdict["alive"] = False
    second = cache.get_or_create("k", FakeSession, check=check)
    assert second is not first and first.logged_out == 1 and verdict["checks"] == 2


def test_a_held_session_dropped_is_logged_out_on_release():
    cache = SessionCache(ttl=300, clock=Clock())
    session = cache.get_or_create("k", FakeSession, check=lambda s: False)
    cache.hold(session)
    cache.drop("k")
    assert len(cache) == 0 and session.logged_out == 0
    cache.release(session)
    assert session.logged_out == 1
