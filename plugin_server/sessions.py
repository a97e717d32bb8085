"""Users' vCenter sessions, cached per credential token with expiry and logged out when evicted.

Nothing here is written to disk; a cache key is a digest, so no token or password is kept as a key.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Callable

from vic_machine.vsphere.session import Session


@dataclass
class _Entry:
    session: Session
    last_used: float
    busy: int = 0


class SessionCache:
    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}

    @staticmethod
    def key(*parts: str) -> str:
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def get_or_create(self, key: str, create: Callable[[], Session]) -> Session:
        self.evict_expired()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry.last_used = self._clock()
                return entry.session
        session = create()
        with self._lock:
            existing = self._entries.get(key)
            if existing is not None:  # another request logged in meanwhile: keep one
                session.logout()
                return existing.session
            self._entries[key] = _Entry(session, self._clock())
        return session

    def hold(self, session: Session) -> None:
        """Keep ``session`` alive while a long operation uses it."""
        with self._lock:
            for entry in self._entries.values():
                if entry.session is session:
                    entry.busy += 1

    def release(self, session: Session) -> None:
        with self._lock:
            for entry in self._entries.values():
                if entry.session is session:
                    entry.busy = max(0, entry.busy - 1)
                    entry.last_used = self._clock()

    def evict_expired(self) -> int:
        now = self._clock()
        with self._lock:
            expired = [k for k, e in self._entries.items() if not e.busy and now - e.last_used > self.ttl]
            sessions = [self._entries.pop(k).session for k in expired]
        for session in sessions:
            session.logout()
        return len(sessions)

    def close(self) -> None:
        with self._lock:
            sessions = [e.session for e in self._entries.values()]
            self._entries.clear()
        for session in sessions:
            session.logout()

    def __len__(self) -> int:
        return len(self._entries)
