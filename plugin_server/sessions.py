"""Users' vCenter sessions, cached per credential token, re-validated with vCenter, and logged out when dropped.

- An entry lives ``ttl`` seconds from its creation; using it does not renew it (a stolen or logged-out token
  must not stay good by being used). A session held by a running operation or an open request is not logged out
  under it: it is dropped from the cache and logged out when released.
- An entry is re-validated with vCenter (``check``) when it is ``revalidate`` seconds old since its last check,
  and on every write. A check that says the session ended drops it at once.

Nothing here is written to disk; a cache key is a digest, so no token or password is kept as a key.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Callable

from vic_machine.vsphere.session import Session

# ``check(session)`` → True while vCenter holds the session, False when it ended; it raises (AuthenticationError)
# when the credentials themselves are no longer good.
Check = Callable[[Session], bool]


@dataclass
class _Entry:
    session: Session
    created: float
    checked: float
    check: Check | None = None
    busy: int = 0


class SessionCache:
    def __init__(self, ttl: float, revalidate: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.revalidate = revalidate
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        # Dropped while held: logged out when the last holder releases them.
        self._orphans: dict[int, list] = {}

    @staticmethod
    def key(*parts: str) -> str:
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def get_or_create(self, key: str, create: Callable[[], Session], check: Check | None = None,
                      force_check: bool = False) -> Session:
        """The cached session for ``key`` (checked with vCenter when due, or when ``force_check``), else a new one.

        :raise: whatever ``check`` or ``create`` raise; a failed check has dropped the entry.
        """
        self.evict_expired()
        with self._lock:
            entry = self._entries.get(key)
            now = self._clock()
            due = entry is not None and entry.check is not None and (
                force_check or now - entry.checked >= self.revalidate)
            if entry is not None and due:
                entry.checked = now  # one check at a time; the others keep the session meanwhile
        if entry is not None and due:
            try:
                still = entry.check(entry.session)
            except BaseException:
                self.drop(key, entry)
                raise
            if not still:
                self.drop(key, entry)
                entry = None
        if entry is not None:
            return entry.session
        session = create()
        with self._lock:
            existing = self._entries.get(key)
            if existing is None:
                now = self._clock()
                self._entries[key] = _Entry(session, now, now, check)
                return session
        session.logout()  # another request logged in meanwhile: keep one
        return existing.session

    def drop(self, key: str, entry: _Entry | None = None) -> None:
        """Forget ``key`` now (when it is still ``entry``); its session is logged out once nobody holds it."""
        with self._lock:
            current = self._entries.get(key)
            if current is None or (entry is not None and current is not entry):
                return
            del self._entries[key]
            if current.busy:
                self._orphans[id(current.session)] = [current.session, current.busy]
                return
        current.session.logout()

    def drop_session(self, session: Session) -> None:
        """Forget whichever entry holds ``session`` (vCenter said it ended)."""
        with self._lock:
            keys = [k for k, e in self._entries.items() if e.session is session]
        for key in keys:
            self.drop(key)

    def hold(self, session: Session) -> None:
        """Keep ``session`` from being logged out while a request or a long operation uses it."""
        with self._lock:
            for entry in self._entries.values():
                if entry.session is session:
                    entry.busy += 1
                    return
            orphan = self._orphans.get(id(session))
            if orphan is not None:
                orphan[1] += 1

    def release(self, session: Session) -> None:
        with self._lock:
            for entry in self._entries.values():
                if entry.session is session:
                    entry.busy = max(0, entry.busy - 1)
                    return
            orphan = self._orphans.get(id(session))
            if orphan is None:
                return
            orphan[1] -= 1
            if orphan[1] > 0:
                return
            del self._orphans[id(session)]
        session.logout()

    def evict_expired(self) -> int:
        now = self._clock()
        with self._lock:
            expired = [k for k, e in self._entries.items() if not e.busy and now - e.created > self.ttl]
            sessions = [self._entries.pop(k).session for k in expired]
        for session in sessions:
            session.logout()
        return len(sessions)

    def close(self) -> None:
        with self._lock:
            sessions = [e.session for e in self._entries.values()] + [o[0] for o in self._orphans.values()]
            self._entries.clear()
            self._orphans.clear()
        for session in sessions:
            session.logout()

    def __len__(self) -> int:
        return len(self._entries)
