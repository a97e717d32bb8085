"""``GET /container/operations/{id}`` and its server-sent event stream ``…/events``.

Both need credentials (401 without), and the operation's id names its vCenter, where the caller is authenticated.
An operation is readable by its owner (the vCenter user who started it, whatever session or replica) and by a user
holding, on its object, the privileges the operation itself needs (403 naming what is missing). An id whose nonce
does not match the task's is not found (404). Streams are bounded per user and in total (429 beyond).

Every replica answers the same document for an operation: the one running it from its own record, any other from
the vCenter task, which carries the same kind, subject, progress, message, result and error (``plugin_server.tasks``).

A stream behaves behind a proxy whichever replica serves it: a keep-alive comment whenever it was quiet for
``STREAM_KEEPALIVE`` seconds of wall time (vCenter is read in a thread of its own, so a slow vCenter delays
progress, never the keep-alive), and it ends when its operation ends, when the server shuts down, or as soon as its
client is gone (``streams.ClientSocket``), freeing its thread and its slot at once.
"""

from __future__ import annotations

import json
import time

from flask import Response, current_app, request, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint
from pyVmomi import vim

from plugin_server import privileges
from plugin_server.api import models
from plugin_server.api.common import Call, call_for, operations
from plugin_server.auth import TOKEN_HEADER, has_credentials
from plugin_server.errors import ApiError
from plugin_server.api.streams import ClientSocket, TaskPoller
from plugin_server.operations import Operation, operation_target, same_nonce
from plugin_server.tasks import TASK_TYPES, read_task

blp = Blueprint("operations", __name__, url_prefix="/container/operations", description="Long operations")

POLL_SECONDS = 0.5
# How often a waiting stream looks at its client's socket: a closed stream's thread is free within this.
CLIENT_CHECK_SECONDS = 0.5


def _privileges(kind: str) -> tuple[str, ...]:
    from plugin_server.api.vch_actions import UPGRADE_PRIVILEGES
    from plugin_server.api.vch_configure import CONFIGURE_PRIVILEGES

    return {"create": privileges.CREATE, "delete": privileges.DELETE, "upgrade": UPGRADE_PRIVILEGES,
            "configure": CONFIGURE_PRIVILEGES}[kind]


def _not_found(op_id: str) -> ApiError:
    return ApiError(404, f"Operation {op_id} not found", code="not_found")


class _Access:
    """An operation the caller may read: the local one, or the task another replica runs."""

    def __init__(self, call: Call, op: Operation | None, info: dict | None) -> None:
        self.call, self.op, self.info = call, op, info


def _authorize(op_id: str) -> _Access:
    if not has_credentials():
        raise ApiError(401, f"Authentication required: send the {TOKEN_HEADER} header, X-VMWARE-TICKET or "
                            "HTTP Basic", code="unauthenticated")
    task_id, target, nonce = operation_target(op_id)
    if not task_id or not target or not nonce:
        raise _not_found(op_id)
    call = call_for(target)
    op = operations().get(op_id)
    if op is not None:
        owner, kind, entity, name, info = op.owner, op.kind, op.entity, op.subject.split("/")[-1], None
    else:
        info = read_task(call.session, task_id) if not task_id.startswith("local-") else None
        prefix = operations().extension_key + "."
        kinds = {f"{prefix}{v}": k for k, v in TASK_TYPES.items()}
        if info is None or not same_nonce(info["activation_id"], nonce) or info["type"] not in kinds:
            raise _not_found(op_id)
        owner, kind, entity, name = info["owner"], kinds[info["type"]], info["entity"], info["entity_name"]
    user = call.session.user
    if not owner or owner.lower() != (user or "").lower():
        if entity is None:
            raise ApiError(403, f"{user} may not read an operation another user started", code="forbidden")
        ref = type(entity)(entity._moId, call.session.stub) if isinstance(entity, vim.ManagedEntity) else entity
        privileges.require(call.session, ref, _privileges(kind), f"follow another user's {kind} operation",
                           name or entity._moId)
    return _Access(call, op, info)


def _from_task(op_id: str, info: dict) -> dict:
    state = {"queued": "running", "running": "running"}.get(info["state"], info["state"])
    error = None
    if state == "error":
        code = "abandoned" if info.get("abandoned") else "operation_failed"  # its server died (no heartbeat)
        error = info.get("error_body") or {"message": info["error"], "code": code, "errors": {}}
    return {"id": op_id, "kind": info.get("kind", ""), "subject": info.get("subject", ""), "state": state,
            "progress": info["progress"], "message": info["message"], "result": info["result"], "error": error}


def _sse(kind: str, data: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(data)}\n\n"


KEEP_ALIVE = ": keep-alive\n\n"


def _local_stream(op: Operation, client: ClientSocket, keep_alive: float):
    index, quiet_since = 0, time.monotonic()
    while True:
        wait = max(0.0, min(CLIENT_CHECK_SECONDS, quiet_since + keep_alive - time.monotonic()))
        events = operations().events_since(op, index, timeout=wait)
        for event in events:
            yield _sse("progress", event)
        index += len(events)
        if op.finished and index >= len(op.events):
            yield _sse("end", op.to_dict())
            return
        if events:
            quiet_since = time.monotonic()
        elif client.gone():
            return
        elif time.monotonic() - quiet_since >= keep_alive:
            yield KEEP_ALIVE
            quiet_since = time.monotonic()


def _remote_stream(op_id: str, session, client: ClientSocket, keep_alive: float):
    task_id, _, _ = operation_target(op_id)
    poller = TaskPoller(lambda: read_task(session, task_id), POLL_SECONDS)
    last, quiet_since = None, time.monotonic()
    try:
        while True:
            info = poller.next(timeout=max(0.0, min(CLIENT_CHECK_SECONDS,
                                                    quiet_since + keep_alive - time.monotonic())))
            if info is TaskPoller.GONE:
                yield _sse("end", {"id": op_id, "state": "error", "error": {"message": "the task vanished"}})
                return
            if info is not None:
                state = _from_task(op_id, info)
                # The owner's latest event as it sent it (one in between two reads may be missed).
                event = info.get("event") or {"kind": "step", "step": state["message"], "index": state["progress"],
                                              "total": 100, "message": state["message"]}
                seen = (json.dumps(event, sort_keys=True), state["state"])
                if seen != last:
                    yield _sse("progress", event)
                    last, quiet_since = seen, time.monotonic()
                if state["state"] in ("success", "error"):
                    yield _sse("end", state)
                    return
            if operations().stopping.is_set() or client.gone():
                return  # shutting down: the client follows the operation again, from another server
            if time.monotonic() - quiet_since >= keep_alive:
                yield KEEP_ALIVE
                quiet_since = time.monotonic()
    finally:
        poller.stop()


@blp.route("/<op_id>")
class OperationStatus(MethodView):
    @blp.response(200, models.Operation_State)
    def get(self, op_id):
        """State of an operation: running, success (with its result) or error (with what was undone).
        Its owner's, or readable with the privileges the operation needs on its object."""
        access = _authorize(op_id)
        if access.op is not None:
            return access.op.to_dict()
        return _from_task(op_id, access.info)


@blp.route("/<op_id>/events")
class OperationEvents(MethodView):
    @blp.response(200, {"type": "string", "description": "Server-sent events: `progress` per step (kind, step, "
                                                     "index, total, message), then `end` with the state"},
                  content_type="text/event-stream")
    def get(self, op_id):
        """Progress events as server-sent events (``progress`` per step, a final ``end`` with the state).
        Who may read them as above; a user may hold a bounded number of streams open (429 beyond)."""
        access = _authorize(op_id)
        free = operations().streams.open(f"{access.call.target_key}/{(access.call.session.user or '').lower()}")
        client = ClientSocket(request.environ.get("gunicorn.socket"))
        keep_alive = float(current_app.config["STREAM_KEEPALIVE"])
        try:
            stream = (_local_stream(access.op, client, keep_alive) if access.op is not None
                      else _remote_stream(op_id, access.call.session, client, keep_alive))
            response = Response(stream_with_context(stream), mimetype="text/event-stream",
                                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        except BaseException:
            free()
            raise
        response.call_on_close(free)
        return response
