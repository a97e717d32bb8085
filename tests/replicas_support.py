"""Two ``vic-plugin serve`` replicas behind a real HAProxy (Debian's), on one simulator: what the replica tests
share. Requests reuse the kill tests' helpers (Basic auth, ``Prefer: respond-async``)."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request

from tests.test_gunicorn_kills import CONTEXT, request

HEARTBEAT = 0.5
KEEPALIVE = 3.0


def get(base: str, sim, path: str) -> tuple[dict, str]:
    """The JSON answer of ``GET path`` on ``base`` and the replica that answered (X-Vic-Replica)."""
    with request(base, sim, "GET", path) as answer:
        return json.load(answer), answer.headers.get("X-Vic-Replica", "")


def settled(base: str, sim, location: str, timeout: float) -> dict:
    """The operation's state once it is no longer running, read through ``base``. A request cut by a replica
    dying under it is asked again: a client of a crashed server sees that much."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            state, _ = get(base, sim, location)
        except OSError:
            state = None
        if state is not None and state["state"] != "running":
            return state
        assert time.monotonic() < deadline, state
        time.sleep(0.1)


def health(base: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{base}/container/health", context=CONTEXT, timeout=5) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def send_together(calls) -> list[tuple[int, dict]]:
    """Each ``(base, sim, method, path, body)`` at the same moment, from threads; their (status, JSON)."""
    barrier = threading.Barrier(len(calls))
    out: list = [None] * len(calls)

    def one(i, base, sim, method, path, body) -> None:
        barrier.wait()
        try:
            with request(base, sim, method, path, body, timeout=120) as answer:
                out[i] = (answer.status, json.load(answer), answer.headers.get("Location"))
        except AssertionError as exc:  # request() turns an HTTP error into "METHOD path: status body"
            status, _, text = str(exc).partition(": ")[2].partition(" ")
            out[i] = (int(status), json.loads(text), None)

    threads = [threading.Thread(target=one, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    return out


class RawStream:
    """An event stream on its own connection, read in a thread: when each chunk came (``arrivals``), the events,
    and whether it ended. :meth:`cut` closes the connection abruptly (a client that went away)."""

    def __init__(self, base: str, sim, location: str) -> None:
        host, port = base.removeprefix("https://").split(":")
        self.conn = http.client.HTTPSConnection(host, int(port), timeout=120, context=CONTEXT)
        token = base64.b64encode(f"{sim.username}:{sim.password}".encode()).decode()
        self.conn.request("GET", f"{location}/events", headers={"Authorization": f"Basic {token}"})
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.replica = self.response.headers.get("X-Vic-Replica", "")
        self.arrivals: list[tuple[float, str]] = []
        self.ended = threading.Event()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while line := self.response.readline():
                self.arrivals.append((time.monotonic(), line.decode()))
        except Exception:  # noqa: BLE001 - a cut connection ends it
            pass
        finally:
            self.ended.set()

    def events(self) -> list[tuple[str, dict]]:
        out, kind = [], None
        for _, line in list(self.arrivals):
            if line.startswith("event: "):
                kind = line[7:].strip()
            elif line.startswith("data: "):
                out.append((kind, json.loads(line[6:])))
        return out

    def longest_silence(self, since: float, until: float) -> float:
        times = [since] + [t for t, _ in self.arrivals if since <= t <= until] + [until]
        return max(b - a for a, b in zip(times, times[1:]))

    def cut(self) -> None:
        self.conn.sock.shutdown(socket.SHUT_RDWR)  # the reader's file object keeps the socket open otherwise
        self.conn.sock.close()
