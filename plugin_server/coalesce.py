"""Concurrent identical reads of one session share one vCenter read ("single flight").

Fifty browser tabs of one user opening the VCH list at once would otherwise make fifty identical reads of
vCenter, each queueing behind the others for the same CPU. Here the first request of a key reads; requests of
the same key arriving while it reads wait for its answer instead of reading again. Nothing is kept once the read
is answered: an answer is never older than a request that came in while it was being read, and vCenter stays
the only state store. A failed read is not shared: each waiting request then reads on its own.

The key must name everything the answer depends on, the caller's vCenter session first (so one user's answer
never reaches another, whose privileges may differ).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Hashable

_lock = threading.Lock()
_flights: dict[Hashable, "_Flight"] = {}


class _Flight:
    __slots__ = ("done", "ok", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ok = False
        self.value: Any = None


def shared_json(key: Hashable, schema: type, read: Callable[[], Any]) -> Any:
    """:func:`shared_read` of an answer dumped with a ``schema`` (class) and made JSON once for everyone waiting:
    each request gets a response of its own from the same bytes (what ``@blp.response(200, schema)`` would
    send). Only the request that reads builds the schema."""
    from flask import current_app

    body = shared_read(key, lambda: current_app.json.response(schema().dump(read())).get_data())
    return current_app.response_class(body, mimetype="application/json")


def session_key(session: Any) -> Hashable:
    """What names the caller's vCenter session in a key: its id (one user, one vCenter session), or the object."""
    return getattr(session, "session_id", "") or ("object", id(session))


def shared_read(key: Hashable, read: Callable[[], Any]) -> Any:
    """``read()``, or the answer of the same read already under way for ``key`` (treat it as read-only)."""
    with _lock:
        flight = _flights.get(key)
        leading = flight is None
        if leading:
            flight = _flights[key] = _Flight()
    if not leading:
        flight.done.wait()
        return flight.value if flight.ok else read()
    try:
        flight.value = read()
        flight.ok = True
        return flight.value
    finally:
        with _lock:
            _flights.pop(key, None)
        flight.done.set()
