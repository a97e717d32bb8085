"""A logged-in vCenter session with its certificate pinned and its SOAP round trips counted.

Every connection the session's stub opens, the first and each one its pool opens later, is pinned in the TLS
handshake (:mod:`vic_machine.vsphere.pinning`): a relay appearing at vCenter's address after the first check
receives no byte, and the call fails as :class:`~vic_machine.errors.UntrustedCertificate`.
"""

from __future__ import annotations

import functools
import http.client
import threading
from dataclasses import dataclass, field

from pyVmomi import SoapStubAdapter, vim

from vic_machine.errors import TargetError, UntrustedCertificate
from vic_machine.target import Target
from vic_machine.vsphere.certificate import fetch_certificate, thumbprints, unreachable
from vic_machine.vsphere.faults import translate, vsphere_call
from vic_machine.vsphere.pinning import BoundedConnection, CertificateMismatch, ConnectFailed, PinnedContext

API_VERSION = "vim.version.v7_0"
# How long a new connection (TCP and TLS handshake) may take; answers get the command's --timeout.
CONNECT_TIMEOUT = 10.0


class CountingStub(SoapStubAdapter):
    """A SOAP stub that counts every request it sends.

    Property reads (``InvokeAccessor``) go through ``InvokeMethod`` as a ``Fetch`` call, so counting there alone
    counts every HTTP round trip once.
    """

    def __init__(self, *args, connect_timeout: float | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if connect_timeout is not None and self.scheme is http.client.HTTPSConnection:
            self.scheme = functools.partial(BoundedConnection, connect_timeout=connect_timeout)
        self._count_lock = threading.Lock()
        self.round_trips = 0
        # The property collector's id on this endpoint, once the service content is read (it differs on ESXi).
        self.property_collector = "propertyCollector"

    def _counted(self) -> None:
        with self._count_lock:
            self.round_trips += 1

    def InvokeMethod(self, mo, info, args, outerStub=None):  # noqa: N802 - pyvmomi's name
        self._counted()
        return super().InvokeMethod(mo, info, args, outerStub)


@dataclass
class Session:
    """One user's session on one vCenter."""

    target: Target
    stub: CountingStub
    si: vim.ServiceInstance
    content: vim.ServiceInstanceContent
    thumbprint_sha1: str
    thumbprint_sha256: str
    user: str = ""
    _closed: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        # Tasks are read through the stub alone (vic_machine.vsphere.tasks): it must know this endpoint's collector.
        self.stub.property_collector = self.content.propertyCollector._moId

    @property
    def round_trips(self) -> int:
        return self.stub.round_trips

    @property
    def session_id(self) -> str:
        """The vmware_soap_session cookie value, to reuse this session elsewhere."""
        cookie = self.stub.cookie or ""
        for part in cookie.split(";"):
            name, _, value = part.strip().partition("=")
            if name == "vmware_soap_session":
                return value.strip('"')
        return ""

    def about(self) -> vim.AboutInfo:
        return self.content.about

    @property
    def is_esxi(self) -> bool:
        """True on an ESXi host's own API (hostd), False on vCenter: what VIC 1.5.8 calls "not VC"."""
        return is_host_agent(self.content.about)

    def logout(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.content.sessionManager.Logout()
        except Exception:  # noqa: BLE001 - logging out of a dead session is not an error
            pass


def is_host_agent(about) -> bool:
    """Whether ``about`` (a ServiceContent's AboutInfo) is an ESXi host's own agent rather than vCenter."""
    return str(getattr(about, "apiType", "")) == "HostAgent"


def first_use_pin(target: Target, force: bool = False) -> str:
    """The SHA-256 thumbprint of the certificate the target presents now, for a target given without one: trusted
    on first use under ``force`` (and pinned from then on), refused otherwise, naming the thumbprints to pass.

    :raise UntrustedCertificate: not ``force``.
    """
    sha1, sha256 = thumbprints(fetch_certificate(target.host, target.port))
    if not force:
        raise UntrustedCertificate(target.display, sha1, sha256)
    return sha256


def connect(
    target: Target,
    *,
    force: bool = False,
    clone_ticket: str = "",
    session_id: str = "",
    timeout: float = 60.0,
) -> Session:
    """Log in to ``target`` with its user/password, a clone ticket, or an existing session id.

    :raise UntrustedCertificate: no thumbprint and not ``force`` (:func:`first_use_pin`), or another certificate
        than the pinned one.
    :raise AuthenticationError: wrong credentials or an invalid ticket.
    :raise TargetError: vCenter unreachable.
    """
    # A pinned thumbprint is checked in the first connection's own handshake, before any byte is sent; without one
    # the certificate is fetched first, to refuse it or (--force) to pin what was seen, so it cannot change after.
    pin = target.thumbprint or first_use_pin(target, force)
    context = PinnedContext(pin)
    try:
        stub = CountingStub(
            url=target.url,
            version=API_VERSION,
            sslContext=context,
            httpConnectionTimeout=timeout,
            connect_timeout=CONNECT_TIMEOUT,
            sessionId=session_id or None,
        )
        si = vim.ServiceInstance("ServiceInstance", stub)
        content = si.RetrieveContent()
    except CertificateMismatch as exc:
        raise UntrustedCertificate(target.display, exc.sha1, exc.sha256, given=pin) from None
    except ConnectFailed as exc:
        raise unreachable(target.host, target.port, exc) from None
    except Exception as exc:  # noqa: BLE001 - the translation edge, as vsphere_call
        raise translate(exc, f"connect to {target.display}") from exc
    sha1, sha256 = context.seen
    with vsphere_call(f"log in to {target.display}"):
        if clone_ticket:
            user_session = content.sessionManager.CloneSession(cloneTicket=clone_ticket)
        elif session_id:
            user_session = content.sessionManager.currentSession
            if user_session is None:
                raise TargetError(f"The session given for {target.display} is not logged in",
                                  remedy="Log in to the vSphere Client again")
        else:
            if not target.user:
                raise TargetError(f"No user name for {target.display}",
                                  remedy="Pass --user (or put user@ in the target, or set VIC_MACHINE_USER)")
            user_session = content.sessionManager.Login(userName=target.user, password=target.password)
    return Session(target=target, stub=stub, si=si, content=content,
                   thumbprint_sha1=sha1, thumbprint_sha256=sha256, user=user_session.userName)
