"""Upload files to a datastore over vCenter's HTTP file interface (``/folder``), streamed and retried.

``PUT https://<vcenter>/folder/<path>?dcPath=<datacenter>&dsName=<datastore>`` with the SOAP session's cookie.
The body is streamed from the file, never read into memory; a failed attempt is retried with growing delays.
vCenter's certificate is pinned to the session's thumbprint, as for the SOAP connection.
"""

from __future__ import annotations

import http.client
import io
import os
import threading
import time
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlencode

from vic_machine.errors import AuthenticationError, Cancelled, PermissionDenied, TargetError, VicError
from vic_machine.vsphere.pinning import CertificateMismatch, pinned_connection
from vic_machine.vsphere.session import Session

# Delays before the 2nd, 3rd, … attempt (VIC retries uploads with backoff too).
RETRY_DELAYS = (1.0, 2.0, 4.0)
CHUNK = 1024 * 1024
TIMEOUT = 60.0


class UploadError(VicError):
    """A file could not be uploaded to a datastore after every retry."""

    code = "upload"


def folder_url_path(datacenter: str, datastore: str, path: str) -> str:
    """The request path for ``[datastore] path`` in ``datacenter``."""
    query = urlencode({"dcPath": datacenter, "dsName": datastore})
    return f"/folder/{quote(path.lstrip('/'))}?{query}"


def _connection(session: Session) -> http.client.HTTPSConnection:
    """A connection to vCenter pinned to the session's certificate in the handshake, before the cookie is sent."""
    try:
        return pinned_connection(session.target.host, session.target.port, session.thumbprint_sha256, TIMEOUT)
    except CertificateMismatch:
        raise TargetError(f"{session.target.display} presented another certificate for the file transfer",
                          remedy="Check that nothing intercepts the connection to vCenter, then retry") from None


def _send(session: Session, url_path: str, body: BinaryIO, size: int) -> None:
    """One PUT attempt; raises on any transport error or an answer other than 200/201/204."""
    conn = _connection(session)
    try:
        conn.putrequest("PUT", url_path)
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(size))
        conn.putheader("Cookie", session.stub.cookie or "")
        conn.endheaders()
        while True:
            chunk = body.read(CHUNK)
            if not chunk:
                break
            conn.send(chunk)
        response = conn.getresponse()
        response.read()
        # Refusals are final: retrying cannot grant a privilege. What vCenter said stays out of the message.
        if response.status == 401:
            raise AuthenticationError("vCenter refused the file upload: the session is not logged in",
                                      remedy="Log in again")
        if response.status == 403:
            raise PermissionDenied(f"vCenter refused the file upload to {url_path.split('?')[0]}: missing "
                                   "privilege Datastore.FileManagement on the datastore",
                                   remedy="Ask your vSphere administrator for Datastore.FileManagement on it")
        if response.status not in (200, 201, 204):
            raise OSError(f"vCenter answered {response.status} {response.reason}")
    finally:
        conn.close()


def _put(session: Session, datacenter: str, datastore: str, path: str, open_body, size: int,
         cancel_event: threading.Event | None) -> None:
    url_path = folder_url_path(datacenter, datastore, path)
    attempts = len(RETRY_DELAYS) + 1
    for attempt in range(1, attempts + 1):
        if cancel_event is not None and cancel_event.is_set():
            raise Cancelled()
        try:
            with open_body() as body:
                _send(session, url_path, body, size)
            return
        except (TargetError, AuthenticationError, PermissionDenied):
            raise
        except (OSError, http.client.HTTPException) as exc:
            if attempt == attempts:
                raise UploadError(f"Cannot upload [{datastore}] {path}: {exc}", obj=f"[{datastore}] {path}",
                                  remedy="Check that the datastore is accessible and has free space, then retry") \
                    from exc
            time.sleep(RETRY_DELAYS[attempt - 1])


def upload_file(session: Session, datacenter: str, datastore: str, path: str, source: str | os.PathLike,
                cancel_event: threading.Event | None = None) -> None:
    """Stream the local file ``source`` to ``[datastore] path``.

    :raise UploadError: every attempt failed. :raise Cancelled: ``cancel_event`` was set between attempts.
    """
    file = Path(source)
    _put(session, datacenter, datastore, path, lambda: file.open("rb"), file.stat().st_size, cancel_event)


def upload_bytes(session: Session, datacenter: str, datastore: str, path: str, data: bytes) -> None:
    """Write small content (a log) to ``[datastore] path``."""
    _put(session, datacenter, datastore, path, lambda: io.BytesIO(data), len(data), None)
