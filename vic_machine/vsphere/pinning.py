"""TLS connections pinned to a certificate thumbprint, checked in the handshake itself, before any byte of a request
(a password, a session cookie, a clone ticket) is written to the socket.

pyvmomi checks a ``thumbprint`` only when its SSL context has already refused the certificate, so an unverified
context with a thumbprint checks nothing on the connections it opens later: its pool reconnects at will, and a
relay that appears at vCenter's address after the first connection would be trusted. Every connection made with
:class:`PinnedContext`, the first and each reconnection, completes the handshake, compares the peer certificate's
SHA-1/SHA-256 digest with the pinned thumbprint and closes the socket when it differs.
"""

from __future__ import annotations

import http.client
import socket
import ssl

from vic_machine.vsphere.certificate import thumbprints


class CertificateMismatch(ssl.SSLError):
    """The peer's certificate is not the pinned one; raised before anything was sent on the connection."""

    def __init__(self, presented_sha1: str, presented_sha256: str) -> None:
        super().__init__(f"certificate {presented_sha256} is not the pinned one")
        self.sha1 = presented_sha1
        self.sha256 = presented_sha256


def digits(thumbprint: str) -> str:
    """A thumbprint without colons, upper case: how two are compared."""
    return thumbprint.replace(":", "").upper()


class PinnedContext(ssl.SSLContext):
    """A client TLS context that completes the handshake only with the certificate pinned by ``thumbprint``
    (SHA-1 or SHA-256, with or without colons); ``seen`` holds the (SHA-1, SHA-256) of the last one accepted."""

    def __new__(cls, thumbprint: str):
        return super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)

    def __init__(self, thumbprint: str) -> None:
        # No CA decides here: the pin does. Host names do not matter either, the certificate is the identity.
        self.check_hostname = False
        self.verify_mode = ssl.CERT_NONE
        self.minimum_version = ssl.TLSVersion.TLSv1_2
        self.pinned = digits(thumbprint)
        self.seen: tuple[str, str] = ("", "")

    def wrap_socket(self, sock, *args, **kwargs):  # noqa: D102 - ssl.SSLContext's
        tls = super().wrap_socket(sock, *args, **kwargs)
        try:
            try:
                der = tls.getpeercert(binary_form=True)
            except ValueError:  # do_handshake_on_connect=False: the handshake is ours to do, now
                tls.do_handshake()
                der = tls.getpeercert(binary_form=True)
            sha1, sha256 = thumbprints(der or b"")
            if not der or self.pinned not in (digits(sha1), digits(sha256)):
                raise CertificateMismatch(sha1, sha256)
        except BaseException:
            tls.close()
            raise
        self.seen = (sha1, sha256)
        return tls


class ConnectFailed(OSError):
    """No TCP connection or TLS handshake could be made with the server (as opposed to a failure once connected)."""


class BoundedConnection(http.client.HTTPSConnection):
    """An HTTPS connection whose TCP connect and TLS handshake must end within ``connect_timeout``: an address that
    does not answer fails in seconds, whatever time its answers are given (``timeout``, the command's --timeout)."""

    def __init__(self, *args, connect_timeout: float, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.connect_timeout = connect_timeout

    def connect(self) -> None:
        answers = self.timeout  # a number, or http.client's "the socket default"
        bounded = isinstance(answers, (int, float))
        self.timeout = min(self.connect_timeout, answers) if bounded else self.connect_timeout
        try:
            super().connect()
        except ssl.SSLError:
            raise
        except OSError as exc:  # refused, unroutable, silent: nothing was sent
            raise ConnectFailed(exc.errno, exc.strerror or str(exc)) from exc
        finally:
            self.timeout = answers
        self.sock.settimeout(answers if bounded else socket.getdefaulttimeout())


def pinned_connection(host: str, port: int, thumbprint: str, timeout: float) -> http.client.HTTPSConnection:
    """An HTTPS connection to ``host:port``, connected, its certificate the one ``thumbprint`` pins.

    :raise CertificateMismatch: another certificate was presented (nothing was sent).
    """
    conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=PinnedContext(thumbprint))
    try:
        conn.connect()
    except BaseException:
        conn.close()
        raise
    return conn
