"""Acting as the calling user: the request's credentials become that user's own vCenter session.

Accepted, in this order: the ``vmware-api-session-id`` header (the vSphere Client's token, traded for a clone
ticket at the vsphere-ui endpoint the view names: :mod:`plugin_server.delegation`), ``X-VMWARE-TICKET`` (a clone
ticket, as VIC 1.5's views sent), HTTP Basic.

Only the vCenters ``vic-plugin serve --vcenter HOST[:PORT]=THUMBPRINT`` names are ever connected to: any other
target is refused (400) before a connection is opened, and every connection to a configured one is pinned to
its thumbprint in the TLS handshake, before any credential is written (:mod:`plugin_server.vcenter`).
"""

from __future__ import annotations

from flask import current_app, g, request

from plugin_server import delegation, vcenter
from plugin_server.errors import ApiError
from vic_machine.errors import InputError
from vic_machine.target import Target, normalize_thumbprint, parse_target

TOKEN_HEADER = "vmware-api-session-id"


def _host_port(value: str) -> tuple[str, int]:
    parsed = parse_target(value, env={})
    return parsed.host.lower(), parsed.port


def configured_vcenter(target: str) -> tuple[str, int, str]:
    """(host, port, thumbprint) of the configured vCenter ``target`` names.

    :raise ApiError: 400 when ``target`` is not one of them: nothing is connected to.
    """
    try:
        host, port = _host_port(target)
    except InputError as exc:
        raise ApiError(400, str(exc), code="invalid_target") from None
    for key, thumbprint in current_app.config["VCENTER_THUMBPRINTS"].items():
        try:
            if _host_port(key) == (host, port):
                return host, port, thumbprint
        except InputError:
            continue
    raise ApiError(400, f"{target} is not a vCenter this server is configured for", code="untrusted_target",
                   remedy="An administrator adds it with vic-plugin serve --vcenter HOST[:PORT]=THUMBPRINT")


def pinned_target(target: str, datacenter: str = "") -> Target:
    """The configured vCenter the URL names, with its pinned thumbprint.

    ``?thumbprint=`` (vic-machine-server's way, which vic-ui 1.5 sends) can only narrow the trust: one that
    contradicts the configured thumbprint is refused; the configured one is what connections are pinned to.
    """
    host, port, thumbprint = configured_vcenter(target)
    given = request.args.get("thumbprint")
    if given:
        try:
            given = normalize_thumbprint(given)
        except InputError as exc:
            raise ApiError(400, str(exc), code="invalid_target") from None
        if len(given) == len(thumbprint) and given != thumbprint:
            raise ApiError(400, f"The thumbprint given for vCenter {target} does not match the one this server "
                                "is configured with", code="untrusted_certificate",
                           remedy="Leave ?thumbprint= out: the server pins the configured one")
    return Target(host=host, port=port, datacenter=datacenter, thumbprint=thumbprint)


def target_for_guid(guid: str) -> str:
    """The configured vCenter (as ``--vcenter`` names it) whose instance uuid is ``guid``, read without logging in.

    :raise ApiError: 404 when none is.
    """
    unreachable: ApiError | None = None
    for target in current_app.config["VCENTER_THUMBPRINTS"]:
        host, port, thumbprint = configured_vcenter(target)
        try:
            uuid = delegation.instance_uuid(Target(host=host, port=port, thumbprint=thumbprint))
        except ApiError as exc:
            unreachable = exc  # one vCenter down must not hide the object's own vCenter
            continue
        if (uuid or "").lower() == guid.lower():  # an ESXi host has no instance uuid
            return target
    if unreachable is not None:
        raise unreachable
    raise ApiError(404, f"No vCenter this server is configured for has instance uuid {guid}", code="not_found")


WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _token_check(token: str, target: Target, endpoint: delegation.Endpoint):
    def check(session) -> bool:
        # The vSphere Client session is what the user logs out of: trading its token again is what tells.
        delegation.clone_ticket(token, target, endpoint)
        return vcenter.alive(session)
    return check


def user_session(target: Target):
    """The caller's session on ``target``, or 401 when the request carries no (or no longer valid) credentials.

    Cached sessions are re-validated with vCenter every ``SESSION_REVALIDATE`` seconds and on every write; the
    session is held (not logged out under the request) until the request ends.
    """
    cache = current_app.extensions["vic_sessions"]
    token = request.headers.get(TOKEN_HEADER)
    where = f"{target.host}:{target.port}:{target.thumbprint}:{target.datacenter}"
    write = request.method in WRITE_METHODS
    if token:
        # Checked on every request, cached session or not: a token goes only to a configured vCenter's vsphere-ui.
        endpoint = delegation.endpoint_for(target, configured_vcenter)
        session = cache.get_or_create(
            cache.key("token", where, endpoint.url, token),
            lambda: vcenter.connect(target, clone_ticket=delegation.clone_ticket(token, target, endpoint)),
            check=_token_check(token, target, endpoint), force_check=write)
        return _held(cache, session)
    ticket = request.headers.get("X-VMWARE-TICKET")
    if ticket:
        session = cache.get_or_create(cache.key("ticket", where, ticket),
                                      lambda: vcenter.connect(target, clone_ticket=ticket),
                                      check=vcenter.alive, force_check=write)
        return _held(cache, session)
    auth = request.authorization
    if auth and auth.type == "basic" and auth.username:
        user, password = auth.username, auth.password or ""
        creds = Target(host=target.host, port=target.port, datacenter=target.datacenter, user=user,
                       password=password, thumbprint=target.thumbprint)
        session = cache.get_or_create(cache.key("basic", where, user, password), lambda: vcenter.connect(creds),
                                      check=vcenter.alive, force_check=write)
        return _held(cache, session)
    raise unauthenticated()


def unauthenticated() -> ApiError:
    return ApiError(401, f"Authentication required: send the {TOKEN_HEADER} header, X-VMWARE-TICKET or HTTP Basic",
                    code="unauthenticated")


def _held(cache, session):
    cache.hold(session)
    g.setdefault("vic_held_sessions", []).append(session)
    return session


def release_request_sessions(_exc=None) -> None:
    """teardown_request: the request's sessions may be logged out again (when dropped or expired)."""
    cache = current_app.extensions["vic_sessions"]
    for session in g.pop("vic_held_sessions", []):
        cache.release(session)


def drop_request_sessions() -> None:
    """vCenter said a session of this request ended: no later request may use it."""
    cache = current_app.extensions["vic_sessions"]
    for session in g.get("vic_held_sessions", []):
        cache.drop_session(session)


def has_credentials() -> bool:
    """Whether the request carries any credentials at all (checked before anything is looked up)."""
    auth = request.authorization
    return bool(request.headers.get(TOKEN_HEADER) or request.headers.get("X-VMWARE-TICKET")
                or (auth and auth.type == "basic" and auth.username))
