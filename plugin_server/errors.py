"""One error handler: core errors and HTTP errors become ``{"message", "code", "errors"}`` JSON."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from pyVmomi import vim
from werkzeug.exceptions import HTTPException

from vic_machine.errors import (
    AuthenticationError,
    Conflict,
    InputError,
    NotFound,
    OperationFailed,
    PermissionDenied,
    TargetError,
    UntrustedCertificate,
    VicError,
    VSphereError,
)

log = logging.getLogger(__name__)

# Bad input is 400, as vic-machine-server 1.5.8 answers it (with our messages per field path in ``errors``).
_STATUS = [
    (InputError, 400),
    (UntrustedCertificate, 400),
    (AuthenticationError, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (TargetError, 502),
    (VSphereError, 502),
    (OperationFailed, 500),
]


class ApiError(VicError):
    """An error with an explicit HTTP status, for conditions the core has no class for."""

    def __init__(self, status: int, message: str, code: str = "error", remedy: str = "") -> None:
        super().__init__(message, remedy=remedy)
        self.status = status
        self.code = code


def status_of(error: VicError) -> int:
    if isinstance(error, ApiError):
        return error.status
    if isinstance(error, VSphereError) and error.fault in ("NoPermission",):
        return 403
    if isinstance(error, VSphereError) and error.fault == "NotAuthenticated":
        return 401
    for cls, status in _STATUS:
        if isinstance(error, cls):
            return status
    return 500


def error_body(error: VicError) -> dict:
    body = {"message": str(error), "code": error.code, "errors": {}}
    if isinstance(error, InputError):
        body["errors"] = error.by_field()
    return body


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(VicError)
    def _core_error(error: VicError):
        if isinstance(error, VSphereError) and error.fault == "NotAuthenticated":
            from plugin_server.auth import drop_request_sessions

            drop_request_sessions()  # vCenter says the session ended: no later request may use it
        return jsonify(error_body(error)), status_of(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        data = getattr(error, "data", None) or {}
        # webargs puts validation messages under data["messages"]: {location: {field: [messages]}}.
        fields: dict[str, list[str]] = {}
        for location in (data.get("messages") or {}).values():
            if isinstance(location, dict):
                fields.update({k: v if isinstance(v, list) else [str(v)] for k, v in location.items()})
        message = data.get("message") or error.description or error.name
        if fields:
            message = "Invalid input: " + "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in fields.items())
        # webargs refuses a request it cannot read with 422; input errors are 400 here, as in vic-machine-server 1.5.8.
        status = 400 if error.code == 422 else error.code
        code = "invalid_input" if error.code == 422 else error.name.lower().replace(" ", "_")
        response = jsonify({"message": message, "code": code, "errors": fields})
        # Keep the headers the error carries, such as Allow on 405.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, status

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, vim.fault.NotAuthenticated):
            from plugin_server.auth import drop_request_sessions

            drop_request_sessions()
            return jsonify({"message": "The vCenter session ended: log in again", "code": "unauthenticated",
                            "errors": {}}), 401
        log.exception("unexpected error")
        return jsonify({"message": "Internal error: the server log has the details", "code": "internal",
                        "errors": {}}), 500
