"""Session delegation as VMware documents it ("How to Delegate Session Authority to the Plug-in Server"): the
vSphere Client session token becomes a clone ticket at the vsphere-ui endpoint the view names, for the vCenter
the request is about.

1. The view sends its session token (``vmware-api-session-id``) and the vsphere-ui API endpoint it got from
   ``htmlClientSdk.app.getApiEndpoints().uiApiEndpoint.fullUrl`` (``vmware-api-gateway-url``, the header name the
   SDK's remote plug-in sample uses). vsphere-ui sends the same two on the dynamic-items filter query.
2. The endpoint is used only when its host and port are a configured vCenter (``--vcenter``): anything else is
   refused (400) before a connection is opened; the connection is pinned to that vCenter's thumbprint, so the
   token is written only once its certificate matched. Without the header, the target's own vsphere-ui is asked
   (``CLONE_TICKET_URL``), as for clients that predate ``getApiEndpoints``.
3. ``POST <endpoint>/vcenter/session/clone-ticket`` with ``{"vc_guid": <the target's instance uuid>}``: 201 holds
   the ticket; 401 the token is no (longer a) good session; 403 the plug-in is not registered with that vCenter;
   404 the endpoint knows no vCenter with that uuid (not in its linked group). The ticket is for the target (in
   Enhanced Linked Mode another vCenter than the endpoint's), where ``CloneSession`` redeems it.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request
from pyVmomi import vim

from plugin_server import vcenter
from plugin_server.errors import ApiError
from vic_machine.errors import AuthenticationError
from vic_machine.target import Target
from vic_machine.vsphere.pinning import CertificateMismatch, PinnedContext
from vic_machine.vsphere.session import API_VERSION, CountingStub

GATEWAY_HEADER = "vmware-api-gateway-url"
CLONE_TICKET_PATH = "/vcenter/session/clone-ticket"
# A clone-ticket answer is a few hundred bytes; never read more than this from it.
MAX_TICKET_ANSWER = 64 * 1024
# How long a vCenter's instance uuid is trusted before it is read again (a restored vCenter may get a new one).
UUID_TTL = 600.0


@dataclass(frozen=True)
class Endpoint:
    """Where a clone ticket is asked for: the URL, and the configured vCenter whose certificate it must present."""

    url: str
    pinned: Target


# The endpoint's path as vsphere-ui names it (/ui, /api/ui, ...): plain segments only. Anything else (dot
# segments, spaces, other bytes) could route the token elsewhere on that vCenter, or fail half way once connected.
_PATH = re.compile(r"(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?")


def _https_parts(value: str):
    parts = urlsplit(value.strip())
    try:
        port = 443 if parts.port is None else parts.port
    except ValueError:
        port = 0
    if (parts.scheme != "https" or not parts.hostname or parts.username or parts.password or not 0 < port < 65536
            or not _PATH.fullmatch(parts.path) or any(s in (".", "..") for s in parts.path.split("/"))):
        raise ApiError(400, f"{GATEWAY_HEADER} must be the https URL of the vSphere Client's API endpoint "
                            "(getApiEndpoints().uiApiEndpoint.fullUrl)", code="invalid_gateway")
    return parts, port


def endpoint_for(target: Target, configured) -> Endpoint:
    """The clone-ticket endpoint for a request about ``target``.

    :param configured: ``auth.configured_vcenter``: host[:port] → (host, port, thumbprint), 400 when not configured.
    :raise ApiError: 400 when the header is not an https URL of a configured vCenter (nothing is connected to).
    """
    given = request.headers.get(GATEWAY_HEADER, "")
    if not given:
        host = f"[{target.host}]" if ":" in target.host else target.host
        url = current_app.config["CLONE_TICKET_URL"].format(target=f"{host}:{target.port}")
        return Endpoint(url, target)
    parts, port = _https_parts(given)
    named = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    try:
        host, port, thumbprint = configured(f"{named}:{port}")
    except ApiError:
        raise ApiError(400, f"The vSphere Client endpoint {parts.hostname}:{port} is not a vCenter this server is "
                            "configured for: the session token was not sent to it", code="untrusted_gateway",
                       remedy="An administrator adds that vCenter with vic-plugin serve --vcenter "
                              "HOST[:PORT]=THUMBPRINT") from None
    # Query and fragment are not part of the endpoint (VMware: the view removes them); the path is kept.
    return Endpoint(f"https://{named}:{port}{parts.path.rstrip('/')}{CLONE_TICKET_PATH}",
                    Target(host=host, port=port, thumbprint=thumbprint))


_uuids: dict[tuple[str, int, str], tuple[str, float]] = {}
_uuids_lock = threading.Lock()


def instance_uuid(target: Target, fresh: bool = False) -> str:
    """The vCenter's instance uuid, read without logging in (ServiceContent.about) over a pinned connection."""
    key = (target.host, target.port, target.thumbprint)
    now = time.monotonic()
    with _uuids_lock:
        known = _uuids.get(key)
    if known and not fresh and now - known[1] < UUID_TTL:
        return known[0]
    try:
        stub = CountingStub(url=target.url, version=API_VERSION, sslContext=PinnedContext(target.thumbprint),
                            httpConnectionTimeout=vcenter.TIMEOUT)
        uuid = vim.ServiceInstance("ServiceInstance", stub).RetrieveContent().about.instanceUuid
    except CertificateMismatch as exc:
        raise vcenter.mismatch(target, exc) from None
    except Exception as exc:  # noqa: BLE001 - refused, not TLS, not a vCenter: the same answer
        raise vcenter.unreachable(target, exc) from None
    with _uuids_lock:
        _uuids[key] = (uuid, now)
    return uuid


def _post(endpoint: Endpoint, token: str, vc_guid: str) -> tuple[int, bytes]:
    parts = urlsplit(endpoint.url)
    if parts.scheme != "https" or not parts.hostname:
        raise ApiError(500, "The clone ticket URL must be https://…: a session token is never sent in clear",
                       code="misconfigured")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPSConnection(parts.hostname, parts.port or 443, timeout=vcenter.TIMEOUT,
                                       context=PinnedContext(endpoint.pinned.thumbprint))
    try:
        conn.connect()  # the handshake, and the certificate check, before the request is written
        conn.request("POST", path, body=json.dumps({"vc_guid": vc_guid}).encode(),
                     headers={"vmware-api-session-id": token, "Content-Type": "application/json",
                              "Accept": "application/json"})
        response = conn.getresponse()
        return response.status, response.read(MAX_TICKET_ANSWER)
    except CertificateMismatch as exc:
        raise vcenter.mismatch(endpoint.pinned, exc) from None
    except (OSError, http.client.HTTPException) as exc:
        raise vcenter.unreachable(endpoint.pinned, exc) from None
    finally:
        conn.close()


def clone_ticket(token: str, target: Target, endpoint: Endpoint) -> str:
    """A ticket that ``CloneSession`` on ``target`` redeems for the token's user.

    :raise AuthenticationError: 401, the token is not (or no longer) a vSphere Client session.
    :raise ApiError: 403 / 404 / anything else, named as VMware documents them.
    """
    guid = instance_uuid(target)
    status, data = _post(endpoint, token, guid)
    if status == 404:
        # Our uuid may be stale (a vCenter restored from backup gets a new one): read it again, ask once more.
        fresh = instance_uuid(target, fresh=True)
        if fresh != guid:
            status, data = _post(endpoint, token, fresh)
    where = f"{endpoint.pinned.host}:{endpoint.pinned.port}"
    if status == 401:
        raise AuthenticationError("The vSphere Client session is not valid or has expired",
                                  remedy="Reload the vSphere Client and log in again")
    if status == 403:
        raise ApiError(403, f"The plug-in is not registered with vCenter {target.display}, so the vSphere Client "
                            "does not delegate sessions on it", code="plugin_not_registered",
                       remedy=f"An administrator runs vic-plugin register --target {target.display}")
    if status == 404:
        raise ApiError(502, f"The vSphere Client at {where} knows no vCenter with the instance uuid of "
                            f"{target.display}", code="vcenter_not_linked",
                       remedy=f"Use the vSphere Client of {target.display}, or link it with {where}")
    if status not in (200, 201):  # VMware documents 201; 200 is read the same way
        vcenter.log.warning("vSphere Client endpoint %s answered the clone ticket request with %s", where, status)
        raise ApiError(502, f"The vSphere Client at {where} refused the clone ticket request ({status})",
                       code="vcenter_error")
    try:
        ticket = json.loads(data)["session_clone_ticket"]
    except (ValueError, KeyError, TypeError):
        ticket = None
    if not isinstance(ticket, str) or not ticket:
        raise ApiError(502, f"The vSphere Client at {where} answered the clone ticket request with no ticket",
                       code="vcenter_error")
    return ticket
