"""Connections to the configured vCenters, pinned: the certificate is checked in the TLS handshake itself, before
any byte of a request (a session token, a clone ticket, a password) is written to the socket.

Every connection, the first and each reconnection, goes through the core's
:class:`vic_machine.vsphere.pinning.PinnedContext`. Failures never tell refused, non-TLS and TLS answers apart:
"Cannot reach vCenter X" (the server log has the detail).
"""

from __future__ import annotations

import http.client
import logging

from pyVmomi import vim

from plugin_server.errors import ApiError
from vic_machine.target import Target
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.pinning import CertificateMismatch, PinnedContext
from vic_machine.vsphere.session import API_VERSION, CountingStub, Session

log = logging.getLogger(__name__)

TIMEOUT = 30.0


def unreachable(target: Target, exc: BaseException) -> ApiError:
    log.warning("cannot reach vCenter %s: %r", target.display, exc)
    return ApiError(502, f"Cannot reach vCenter {target.display}", code="vcenter_unreachable",
                    remedy="Check that vCenter is up and that this server can reach it, then retry")


def mismatch(target: Target, exc: CertificateMismatch) -> ApiError:
    log.warning("vCenter %s presented certificate SHA-256 %s / SHA-1 %s, not the pinned %s: nothing was sent",
                target.display, exc.sha256, exc.sha1, target.thumbprint)
    return ApiError(400, f"The certificate vCenter {target.display} presented does not match its configured "
                         "thumbprint: nothing was sent to it", code="untrusted_certificate",
                    remedy="If vCenter's certificate was replaced, an administrator updates vic-plugin serve "
                           "--vcenter HOST[:PORT]=THUMBPRINT")


def connect(target: Target, *, clone_ticket: str = "") -> Session:
    """A SOAP session on ``target`` from a clone ticket or ``target``'s user and password, every connection
    pinned (see the module's docstring)."""
    context = PinnedContext(target.thumbprint)
    try:
        stub = CountingStub(url=target.url, version=API_VERSION, sslContext=context,
                            httpConnectionTimeout=TIMEOUT)
        si = vim.ServiceInstance("ServiceInstance", stub)
        content = si.RetrieveContent()
    except CertificateMismatch as exc:
        raise mismatch(target, exc) from None
    except (OSError, http.client.HTTPException) as exc:
        raise unreachable(target, exc) from None
    except Exception as exc:  # noqa: BLE001 - not a vCenter (an HTTP error page, garbage): the same answer
        raise unreachable(target, exc) from None
    with vsphere_call(f"log in to {target.display}"):
        if clone_ticket:
            user_session = content.sessionManager.CloneSession(cloneTicket=clone_ticket)
        else:
            user_session = content.sessionManager.Login(userName=target.user, password=target.password)
    sha1, sha256 = context.seen
    return Session(target=target, stub=stub, si=si, content=content, thumbprint_sha1=sha1,
                   thumbprint_sha256=sha256, user=user_session.userName)


def alive(session: Session) -> bool:
    """Whether vCenter still holds ``session`` (False once it was logged out or terminated)."""
    try:
        return session.content.sessionManager.currentSession is not None
    except vim.fault.NotAuthenticated:
        return False
    except (OSError, http.client.HTTPException) as exc:
        raise unreachable(session.target, exc) from None
