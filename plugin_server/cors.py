"""Cross-origin requests to the API (``/container/…``), answered as vic-machine-server 1.5.8 answers them.

vic-ui 1.5.8 calls the API from the vSphere Client's origin with ``X-VMWARE-TICKET``: without CORS a browser
blocks every call. As 1.5.8: any origin by default (credentials travel only in headers, never in cookies, so
``Access-Control-Allow-Credentials`` is never sent), methods HEAD GET POST PUT PATCH DELETE, request headers
Authorization, Content-Type, User-Agent, X-VMWARE-TICKET — and ours: the vSphere Client's
``vmware-api-session-id`` and ``vmware-api-gateway-url``, ``Prefer`` (RFC 7240) and ``Accept``. A preflight
asking for anything else gets no CORS headers, so the browser refuses the call. ``vic-plugin serve --cors-origin ORIGIN`` (repeatable) narrows the
origins; the setting is ``CORS_ORIGINS`` (``["*"]`` by default).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

PREFIX = "/container"
METHODS = ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE")
HEADERS = ("Authorization", "Content-Type", "User-Agent", "X-VMWARE-TICKET", "vmware-api-session-id",
           "vmware-api-gateway-url", "Prefer", "Accept")
EXPOSED = ("Content-Length", "Location", "Preference-Applied")
_HEADERS = {h.lower() for h in HEADERS}


def _allowed_origin(origin: str) -> str | None:
    """What ``Access-Control-Allow-Origin`` says for ``origin``: ``*``, the origin itself, or nothing."""
    origins = current_app.config.get("CORS_ORIGINS") or ["*"]
    if "*" in origins:
        return "*"
    wanted = origin.rstrip("/").lower()
    return origin if any(o.rstrip("/").lower() == wanted for o in origins) else None


def _applies() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def _preflight() -> Response | None:
    if request.method != "OPTIONS" or not _applies():
        return None
    origin = request.headers.get("Origin")
    method = request.headers.get("Access-Control-Request-Method")
    if not origin or not method:
        return None
    response = Response(status=200)
    response.headers["Vary"] = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    allowed = _allowed_origin(origin)
    asked = [h.strip() for h in request.headers.get("Access-Control-Request-Headers", "").split(",") if h.strip()]
    if allowed is None or method.upper() not in METHODS or any(h.lower() not in _HEADERS for h in asked):
        return response  # no CORS headers: the browser refuses the actual request
    response.headers["Access-Control-Allow-Origin"] = allowed
    response.headers["Access-Control-Allow-Methods"] = method.upper()
    if asked:
        response.headers["Access-Control-Allow-Headers"] = ", ".join(asked)
    return response


def _decorate(response: Response) -> Response:
    origin = request.headers.get("Origin")
    preflight = request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
    if not _applies() or preflight:
        return response
    response.vary.add("Origin")
    allowed = _allowed_origin(origin) if origin else None
    if allowed is not None:
        response.headers["Access-Control-Allow-Origin"] = allowed
        response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED)
    return response


def install_cors(app: Flask) -> None:
    """Answer preflights before anything else looks at the request, and mark every API answer."""
    app.config.setdefault("CORS_ORIGINS", ["*"])
    app.before_request_funcs.setdefault(None, []).insert(0, _preflight)
    app.after_request(_decorate)
