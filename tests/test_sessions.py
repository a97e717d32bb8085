"""The per-credential session cache: reuse, expiry with logout, and sessions held by running operations."""

from plugin_server.sessions import SessionCache


class FakeSession:
    def __init__(self) -> None:
        self.logged_out = 0

    def logout(self) -> None:
        self.logged_out += 1


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_reused_until_expired_then_logged_out():
    clock = Clock()
    cache = SessionCache(ttl=60, clock=clock)
    first = cache.get_or_create("k", FakeSession)
    clock.now = 59
    assert cache.get_or_create("k", FakeSession) is first
    clock.now = 59 + 61
    assert cache.evict_expired() == 1 and first.logged_out == 1
    assert cache.get_or_create("k", FakeSession) is not first


def test_a_session_held_by_an_operation_is_not_evicted():
    clock = Clock()
    cache = SessionCache(ttl=60, clock=clock)
    session = cache.get_or_create("k", FakeSession)
    cache.hold(session)
    clock.now = 1000
    assert cache.evict_expired() == 0 and session.logged_out == 0
    cache.release(session)
    clock.now = 1061
    assert cache.evict_expired() == 1 and session.logged_out == 1


def test_keys_do_not_hold_the_secret():
    key = SessionCache.key("basic", "vc:443", "user", "s3cret")
    assert "s3cret" not in key and len(key) == 64


def test_close_logs_everything_out():
    cache = SessionCache(ttl=60, clock=Clock())
    sessions = [cache.get_or_create(k, FakeSession) for k in "ab"]
    cache.close()
    assert [s.logged_out for s in sessions] == [1, 1] and len(cache) == 0
