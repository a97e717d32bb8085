"""Concurrent identical reads of one session share one vCenter read (plugin_server.coalesce; issue 17)."""

from __future__ import annotations

import threading
import time

import pytest

from plugin_server.coalesce import shared_read
from tests.api_support import basic, make_app, target_path


def test_requests_arriving_during_a_read_get_its_answer():
    calls, started, release = [], threading.Event(), threading.Event()

    def read():
        calls.append(1)
        started.set()
        release.wait(5)
        return {"answer": len(calls)}

    got = []
    leader = threading.Thread(target=lambda: got.append(shared_read("k", read)))
    leader.start()
    started.wait(5)
    followers = [threading.Thread(target=lambda: got.append(shared_read("k", read))) for _ in range(5)]
    for t in followers:
        t.start()
    time.sleep(0.1)
    release.set()
    for t in [leader, *followers]:
        t.join(5)
    assert calls == [1] and got == [{"answer": 1}] * 6
    assert shared_read("k", lambda: "fresh") == "fresh"  # nothing kept once answered


def test_a_failed_read_is_not_shared():
    started, release = threading.Event(), threading.Event()

    def failing():
        started.set()
        release.wait(5)
        raise RuntimeError("vCenter said no")

    errors, got = [], []
    leader = threading.Thread(target=lambda: errors.append(pytest.raises(RuntimeError, shared_read, "f", failing)))
    leader.start()
    started.wait(5)
    follower = threading.Thread(target=lambda: got.append(shared_read("f", lambda: "own read")))
    follower.start()
    time.sleep(0.1)
    release.set()
    leader.join(5)
    follower.join(5)
    assert errors and got == ["own read"]


def _reads(sim) -> int:
    return next((r["hits"] for r in sim.faults.list() if r["method"] == "RetrievePropertiesEx"), 0)


@pytest.mark.parametrize("route", ["vch", "inventory"])
def test_concurrent_lists_of_one_user_make_one_read(sim, faults, route):
    app = make_app(sim)
    auth = basic(sim.username, sim.password)
    path = f"{target_path(sim)}/{route}"
    with app.test_client() as client:
        assert client.get(path, headers=auth).status_code == 200  # logged in, cached session
        faults.delay("RetrievePropertiesEx", 150, count=0)  # slow reads: the requests overlap
        assert client.get(path, headers=auth).status_code == 200
        one = _reads(sim)
        faults.reset()
        faults.delay("RetrievePropertiesEx", 150, count=0)
        answers = []

        def get():
            with app.test_client() as own:
                answers.append(own.get(path, headers=auth))

        threads = [threading.Thread(target=get) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        many = _reads(sim)
    assert [a.status_code for a in answers] == [200] * 6
    assert len({a.get_data() for a in answers}) == 1
    assert many < 2 * one  # six requests, (about) one request's reads
