"""The plug-in server's cached sessions keep their container views: a list or an inventory read makes its view once,
not for every request (issue 17: two SOAP requests fewer of the seven a request cost)."""

from __future__ import annotations

import pytest

from tests.api_support import basic, make_app, target_path
from tests.support import session_for
from vic_machine.operations.ls import list_vchs


def _hits(sim, method: str) -> int:
    return next((r["hits"] for r in sim.faults.list() if r["method"] == method), 0)


@pytest.fixture
def counted(sim, faults):
    """Counts CreateContainerView and DestroyView (delay-only rules)."""
    for method in ("CreateContainerView", "DestroyView"):
        faults.delay(method, 0, count=0)
    return lambda method: _hits(sim, method)


def test_a_session_that_keeps_views_makes_each_once(sim, counted):
    session = session_for(sim)
    try:
        first = list_vchs(session)
        assert (counted("CreateContainerView"), counted("DestroyView")) == (1, 1)  # one read, its own view
        session.kept_views = {}
        assert list_vchs(session) == first == list_vchs(session) == list_vchs(session)
        assert (counted("CreateContainerView"), counted("DestroyView")) == (2, 1)
    finally:
        session.logout()


def test_a_kept_view_found_gone_is_made_again(sim, counted):
    session = session_for(sim)
    session.kept_views = {}
    try:
        before = list_vchs(session)
        [view] = session.kept_views.values()
        view.DestroyView()
        assert list_vchs(session) == before  # no error: made anew, once
        [again] = session.kept_views.values()
        assert again != view and counted("CreateContainerView") == 2
    finally:
        session.logout()


@pytest.mark.parametrize("route", ["vch", "inventory"])
def test_the_servers_cached_session_reads_over_one_view(sim, counted, route):
    app = make_app(sim)
    auth = basic(sim.username, sim.password)
    with app.test_client() as client:
        for _ in range(4):
            assert client.get(f"{target_path(sim)}/{route}", headers=auth).status_code == 200
    assert counted("CreateContainerView") == 1 and counted("DestroyView") == 0
