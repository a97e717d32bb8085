"""The server's own HTTPS certificate: supplied, or generated once on first start."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from vic_machine.certs.issue import make_self_signed
from vic_machine.certs.pem import thumbprint_sha256


def ensure_certificate(state_dir: Path, cname: str | None = None) -> tuple[Path, Path]:
    """Paths of ``server-cert.pem`` and ``server-key.pem`` in ``state_dir``, generated if absent (key 0600)."""
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    cert, key = state_dir / "server-cert.pem", state_dir / "server-key.pem"
    if not (cert.exists() and key.exists()):
        cert_pem, key_pem = make_self_signed(cname or socket.getfqdn())
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key_pem)
        cert.write_bytes(cert_pem)
    return cert, key


def certificate_thumbprint(cert: Path) -> str:
    """SHA-256 thumbprint of the server certificate, as registration wants it."""
    return thumbprint_sha256(cert.read_bytes())
