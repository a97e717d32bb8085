"""Request and response hygiene on every route, before any view runs.

- A request body larger than ``MAX_CONTENT_LENGTH`` (``vic-plugin serve --max-request-size``, 4 MiB by default)
  is 413, answered before the body is read.
- A session token in the query string is refused (400): tokens travel only in the ``vmware-api-session-id``
  header, never in URLs that end up in logs, histories and Referer headers.
- A write (POST, PUT, PATCH, DELETE) carries JSON or nothing: any other ``Content-Type`` (the ``text/plain`` or
  form a cross-site page can send without a preflight) is 415. A JSON body that does not parse, nests deeper than
  ``MAX_JSON_DEPTH`` or is not an object is 400, so no view ever sees it.
- Every answer carries a Content-Security-Policy whose ``frame-ancestors`` are the configured vCenters' origins
  (the views live in the vSphere Client's iframes) plus ``'self'`` — through vCenter's reverse proxy, which is how
  the vSphere Client (and the client stand-in in ``sim/client``) serves the views, the views' own origin *is* the
  vCenter's — and ``FRAME_ANCESTORS``; ``X-Content-Type-Options: nosniff``; HSTS; ``Referrer-Policy``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from plugin_server.auth import TOKEN_HEADER, WRITE_METHODS
from plugin_server.errors import ApiError
from vic_machine.errors import InputError
from vic_machine.target import parse_target

_QUERY_SECRETS = {TOKEN_HEADER, "x-vmware-ticket"}
_JSON = re.compile(r"^application/(?:[\w.+-]+\+)?json$")
HSTS = "max-age=31536000"


def parse_size(value: str) -> int:
    """``4M``, ``512k``, ``10MB``, ``1048576`` → bytes (K and M are binary).

    :raise ValueError: anything else, or zero.
    """
    match = re.fullmatch(r"\s*(\d+)\s*([kKmM]?)(?:[iI]?[bB])?\s*", value or "")
    if not match:
        raise ValueError(f"{value!r} is not a size: use bytes, or a number with K or M (e.g. 4M)")
    size = int(match[1]) * {"": 1, "k": 1024, "m": 1024 * 1024}[match[2].lower()]
    if size <= 0:
        raise ValueError("must be more than 0")
    return size


def _human(size: int) -> str:
    if size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MiB"
    if size % 1024 == 0:
        return f"{size // 1024} KiB"
    return f"{size} bytes"


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"The request body is larger than this server accepts ({_human(limit)})",
                    code="request_too_large", remedy="Send a smaller body")


def _depth_ok(value, limit: int) -> bool:
    """Whether ``value`` nests at most ``limit`` arrays/objects deep (iteratively: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def _check_request():
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    for name in request.args:
        if name.lower() in _QUERY_SECRETS:
            raise ApiError(400, f"Credentials are accepted only in headers, never in the URL: send the token in the "
                                f"{TOKEN_HEADER} header", code="credentials_in_url",
                           remedy=f"Remove ?{name}= from the URL and send the {TOKEN_HEADER} header instead")
    if request.method not in WRITE_METHODS:
        return None
    mimetype = request.mimetype
    if mimetype and not _JSON.match(mimetype):
        raise ApiError(415, f"Request bodies are JSON: Content-Type {mimetype} is not accepted",
                       code="unsupported_media_type", remedy="Send Content-Type: application/json")
    if request.content_length is None and limit and request.environ.get("wsgi.input_terminated"):
        # A chunked body (the server ends the input for us): werkzeug would silently cut it at the limit, so read
        # one byte past it to tell. Without a length and not chunked, there is no body: nothing to read.
        data = request.environ["wsgi.input"].read(limit + 1)
        if len(data) > limit:
            raise _too_large(limit)
        request.environ["wsgi.input"] = io.BytesIO(data)
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise _too_large(limit) from None
    if not data.strip():
        return None
    if not mimetype:
        raise ApiError(415, "A request body needs Content-Type: application/json", code="unsupported_media_type",
                       remedy="Send Content-Type: application/json")
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):
        raise ApiError(400, "The request body is not valid JSON", code="invalid_json") from None
    if not _depth_ok(body, current_app.config["MAX_JSON_DEPTH"]):
        raise ApiError(400, f"The request body nests deeper than {current_app.config['MAX_JSON_DEPTH']} levels",
                       code="invalid_json")
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object", code="invalid_json")
    return None


def _origin(key: str) -> str | None:
    try:
        target = parse_target(key, env={})
    except InputError:
        return None
    host = f"[{target.host}]" if ":" in target.host else target.host
    return f"https://{host}" if target.port == 443 else f"https://{host}:{target.port}"


def frame_ancestors() -> list[str]:
    origins = ["'self'"]
    for key in current_app.config["VCENTER_THUMBPRINTS"]:
        origin = _origin(key)
        if origin and origin not in origins:
            origins.append(origin)
    origins += [o.rstrip("/") for o in current_app.config.get("FRAME_ANCESTORS") or () if o.rstrip("/") not in origins]
    return origins


def style_hash(css: str) -> str:
    """The CSP source allowing one inline ``<style>`` element holding exactly ``css``."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


def content_security_policy(styles: tuple[str, ...] = ()) -> str:
    style_src = " ".join(["'self'", *styles])
    return ("default-src 'self'; script-src 'self'; style-src " + style_src + "; img-src 'self' data:; "
            "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors " + " ".join(frame_ancestors()))


def _headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Strict-Transport-Security", HSTS)
    headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def install(app: Flask) -> None:
    app.before_request(_check_request)
    app.after_request(_headers)
