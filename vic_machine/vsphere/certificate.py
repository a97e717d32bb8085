"""Fetch a server's TLS certificate and compute its thumbprints, before trusting it."""

from __future__ import annotations

import hashlib
import socket
import ssl

from vic_machine.errors import TargetError


def _colon_hex(digest: bytes) -> str:
    return ":".join(f"{b:02X}" for b in digest)


def thumbprints(der: bytes) -> tuple[str, str]:
    """(SHA-1, SHA-256) of a DER certificate, upper-case colon-separated."""
    return _colon_hex(hashlib.sha1(der).digest()), _colon_hex(hashlib.sha256(der).digest())


def unreachable(host: str, port: int, exc: OSError) -> TargetError:
    """The error for a server no TCP connection or TLS handshake could be made with."""
    return TargetError(f"Cannot reach {host}:{port}: {exc.strerror or exc}",
                       remedy="Check the target address and port, and that this machine can reach it")


def fetch_certificate(host: str, port: int, timeout: float = 10.0) -> bytes:
    """The DER certificate the server presents, without verifying it (we pin it ourselves)."""
    context = ssl._create_unverified_context()  # noqa: S323 - the caller pins the thumbprint
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
    except OSError as exc:
        raise unreachable(host, port, exc) from None
    if not der:
        raise TargetError(f"{host}:{port} presented no TLS certificate")
    return der
