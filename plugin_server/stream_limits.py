"""Open event streams, bounded per user across the whole replica and in total per worker.

Each open stream holds a worker thread, so the total is a worker's own business (its thread pool). A user's
streams are counted across every worker process of the replica: gunicorn's workers are forked from the process that
built the app, and share a small table in memory mapped from an unlinked file (one row per worker and user). The
file's POSIX record lock (``lockf``) guards it across processes and is released by the kernel if a worker dies
holding it; rows of workers that died (``kill -9``) are not counted.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
import tempfile
import threading
from typing import Callable

from plugin_server.errors import ApiError

ROW = struct.Struct("<iqi")  # worker pid, user key hash, open streams
ROWS = 1024


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _SharedCounts:
    """Per worker and user counts that every forked worker sees."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._file.truncate(ROW.size * ROWS)
        self._map = mmap.mmap(self._file.fileno(), ROW.size * ROWS)
        self._local = threading.Lock()  # record locks are per process: threads take turns first

    def _rows(self):
        for i in range(ROWS):
            yield i, ROW.unpack_from(self._map, i * ROW.size)

    def change(self, key: int, delta: int, limit: int | None = None) -> int | None:
        """Add ``delta`` to this worker's count for ``key``; with ``limit``, only if the replica's total for
        ``key`` is below it. Returns that total before the change, or None when the change was refused."""
        me = os.getpid()
        with self._local:
            fcntl.lockf(self._file, fcntl.LOCK_EX)
            try:
                total, mine, free = 0, None, None
                for i, (pid, k, n) in self._rows():
                    if pid and not _alive(pid):
                        ROW.pack_into(self._map, i * ROW.size, 0, 0, 0)
                        pid = 0
                    if not pid:
                        free = i if free is None else free
                    elif k == key:
                        total += n
                        mine = i if pid == me else mine
                if limit is not None and total >= limit:
                    return None
                row = mine if mine is not None else free
                if row is None:
                    return None
                _, _, n = ROW.unpack_from(self._map, row * ROW.size)
                n += delta
                ROW.pack_into(self._map, row * ROW.size, *((me, key, n) if n > 0 else (0, 0, 0)))
                return total
            finally:
                fcntl.lockf(self._file, fcntl.LOCK_UN)

    def total(self, key: int) -> int:
        with self._local:
            return sum(n for _, (pid, k, n) in self._rows() if pid and k == key and _alive(pid))


def _key(user: str) -> int:
    return int.from_bytes(hashlib.sha256(user.encode()).digest()[:8], "little", signed=True) or 1


class StreamLimits:
    """Open event streams per user (in the replica) and in total (in this worker)."""

    def __init__(self, per_user: int, total: int) -> None:
        self.per_user = per_user
        self.total = total
        self._lock = threading.Lock()
        self._open: dict[str, int] = {}
        self._shared = _SharedCounts()

    def open(self, user: str) -> Callable[[], None]:
        """A slot for ``user``'s stream, and the function that frees it (once, whatever calls it again).

        :raise ApiError: 429 when the user, or this worker, has as many streams open as allowed.
        """
        with self._lock:
            if sum(self._open.values()) >= self.total:
                raise ApiError(429, "The server follows as many operations as it can at once",
                               code="too_many_streams", remedy="Retry in a moment, or poll /container/operations/<id>")
            if self._shared.change(_key(user), 1, limit=self.per_user) is None:
                raise ApiError(429, f"{user} already follows {self.per_user} operations, the most one user may at "
                                    "once", code="too_many_streams",
                               remedy="Close another progress view, or poll /container/operations/<id> instead")
            self._open[user] = self._open.get(user, 0) + 1
        freed = threading.Event()

        def free() -> None:
            with self._lock:
                if freed.is_set():
                    return
                freed.set()
                self._open[user] -= 1
                if not self._open[user]:
                    del self._open[user]
                self._shared.change(_key(user), -1)
        return free

    def count(self, user: str | None = None) -> int:
        """Streams open in this worker (``user``: that user's, in the whole replica)."""
        if user is not None:
            return self._shared.total(_key(user))
        with self._lock:
            return sum(self._open.values())
