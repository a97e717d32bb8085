"""Acting as the calling user: the request's credentials become that user's own vCenter session.

Accepted, in this order: ``vmware-api-session-id`` (header or query; the vSphere Client's token, traded for a
clone ticket at vCenter), ``X-VMWARE-TICKET`` (a clone ticket, as VIC 1.5's views sent), HTTP Basic.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

from flask import current_app, request

from plugin_server.errors import ApiError
from vic_machine.errors import AuthenticationError, InputError, TargetError
from vic_machine.target import Target, normalize_thumbprint, parse_target
from vic_machine.vsphere.session import Session, connect


def pinned_target(target: str, datacenter: str = "") -> Target:
    """The target named in the URL, with its pinned thumbprint (configured, or ``?thumbprint=``)."""
    configured = current_app.config["VCENTER_THUMBPRINTS"]
    thumbprint = request.args.get("thumbprint") or configured.get(target) or configured.get(target.split(":")[0])
    try:
        parsed = parse_target(target, env={})
        if thumbprint:
            thumbprint = normalize_thumbprint(thumbprint)
    except InputError as exc:
        raise ApiError(400, str(exc), code="invalid_target") from None
    if not thumbprint:
        raise ApiError(400, f"vCenter {target} is not trusted: no thumbprint is configured for it",
                       code="untrusted_target",
                       remedy="Pass ?thumbprint=<SHA-256 or SHA-1 of vCenter's certificate>")
    return Target(host=parsed.host, port=parsed.port, datacenter=datacenter, thumbprint=thumbprint)


def _clone_ticket_for(token: str, target: Target) -> str:
    url = current_app.config["CLONE_TICKET_URL"].format(target=f"{target.host}:{target.port}")
    body = json.dumps({}).encode()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"vmware-api-session-id": token, "Content-Type": "application/json"})
    # vCenter's own certificate is checked by thumbprint when the ticket is used, over SOAP.
    context = ssl._create_unverified_context()  # noqa: S323
    try:
        with urllib.request.urlopen(req, timeout=30, context=context) as response:
            return json.load(response)["session_clone_ticket"]
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise AuthenticationError("The vSphere Client session is not valid or has expired",
                                      remedy="Reload the vSphere Client and log in again") from None
        raise TargetError(f"vCenter refused the clone ticket request ({exc.code})") from None
    except (OSError, ValueError, KeyError) as exc:
        raise TargetError(f"Cannot get a clone ticket from vCenter: {exc}") from None


def user_session(target: Target) -> Session:
    """The caller's session on ``target`` (cached), or 401 when the request carries no credentials."""
    cache = current_app.extensions["vic_sessions"]
    token = request.headers.get("vmware-api-session-id") or request.args.get("vmware-api-session-id")
    where = f"{target.host}:{target.port}:{target.thumbprint}:{target.datacenter}"
    if token:
        return cache.get_or_create(cache.key("token", where, token),
                                   lambda: connect(target, clone_ticket=_clone_ticket_for(token, target)))
    ticket = request.headers.get("X-VMWARE-TICKET")
    if ticket:
        return cache.get_or_create(cache.key("ticket", where, ticket),
                                   lambda: connect(target, clone_ticket=ticket))
    auth = request.authorization
    if auth and auth.type == "basic" and auth.username:
        user, password = auth.username, auth.password or ""
        creds = Target(host=target.host, port=target.port, datacenter=target.datacenter, user=user,
                       password=password, thumbprint=target.thumbprint)
        return cache.get_or_create(cache.key("basic", where, user, password), lambda: connect(creds))
    raise ApiError(401, "Authentication required: send vmware-api-session-id, X-VMWARE-TICKET or HTTP Basic",
                   code="unauthenticated")
