"""Certificates the user chose to trust, remembered per host like ssh's ``known_hosts``.

One line per target, ``host:port SHA-256-thumbprint``, in ``$XDG_CONFIG_HOME/vic-tui/known_hosts`` (``~/.config``
when unset). Only the thumbprint is stored: nothing secret.
"""

from __future__ import annotations

import os
from pathlib import Path


def default_path() -> Path:
    """Where the trusted thumbprints live for this user."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "vic-tui" / "known_hosts"


class KnownHosts:
    """The trusted thumbprints, read from and written to one file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()

    def _entries(self) -> dict[str, str]:
        try:
            lines = self.path.read_text().splitlines()
        except OSError:
            return {}
        entries: dict[str, str] = {}
        for line in lines:
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#"):
                entries[parts[0]] = parts[1]
        return entries

    def lookup(self, host: str, port: int) -> str:
        """The trusted SHA-256 thumbprint of ``host:port``, or ``""``."""
        return self._entries().get(f"{host}:{port}", "")

    def remember(self, host: str, port: int, sha256: str) -> None:
        """Trust ``sha256`` for ``host:port`` from now on (replacing an older entry)."""
        entries = self._entries()
        entries[f"{host}:{port}"] = sha256
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(f"{key} {value}\n" for key, value in sorted(entries.items()))
        self.path.write_text(text)
