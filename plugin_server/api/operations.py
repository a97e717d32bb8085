"""``GET /container/operations/{id}`` and its server-sent event stream ``…/events``."""

from __future__ import annotations

import json
import time

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_server.api.common import call_for, operations
from plugin_server.errors import ApiError
from plugin_server.operations import Operation, operation_target
from plugin_server.tasks import read_task

blp = Blueprint("operations", __name__, url_prefix="/container/operations", description="Long operations")

POLL_SECONDS = 0.5


def _remote_state(op_id: str) -> tuple[dict, object]:
    task_id, target = operation_target(op_id)
    if not target or task_id.startswith("local-"):
        raise ApiError(404, f"Operation {op_id} not found", code="not_found")
    call = call_for(target)
    info = read_task(call.session, task_id)
    if info is None:
        raise ApiError(404, f"Operation {op_id} not found in vCenter {target}", code="not_found")
    return _from_task(op_id, info), call.session


def _from_task(op_id: str, info: dict) -> dict:
    state = {"queued": "running", "running": "running"}.get(info["state"], info["state"])
    error = {"message": info["error"], "code": "operation_failed", "errors": {}} if state == "error" else None
    return {"id": op_id, "kind": "", "subject": "", "state": state, "progress": info["progress"],
            "message": info["message"], "result": info["result"], "error": error}


def _sse(kind: str, data: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(data)}\n\n"


def _local_stream(op: Operation):
    index = 0
    while True:
        events = operations().events_since(op, index, timeout=15)
        for event in events:
            yield _sse("progress", event)
        index += len(events)
        if op.finished and index >= len(op.events):
            yield _sse("end", op.to_dict())
            return
        if not events:
            yield ": keep-alive\n\n"


def _remote_stream(op_id: str, session):
    task_id, _ = operation_target(op_id)
    last = None
    while True:
        info = read_task(session, task_id)
        if info is None:
            yield _sse("end", {"id": op_id, "state": "error", "error": {"message": "the task vanished"}})
            return
        state = _from_task(op_id, info)
        seen = (state["message"], state["progress"], state["state"])
        if seen != last:
            yield _sse("progress", {"kind": "step", "step": state["message"], "index": state["progress"],
                                    "total": 100, "message": state["message"]})
            last = seen
        if state["state"] in ("success", "error"):
            yield _sse("end", state)
            return
        time.sleep(POLL_SECONDS)


@blp.route("/<op_id>")
class OperationStatus(MethodView):
    @blp.response(200)
    def get(self, op_id):
        """State of an operation: running, success (with its result) or error (with what was undone)."""
        op = operations().get(op_id)
        if op is not None:
            return op.to_dict()
        state, _ = _remote_state(op_id)
        return state


@blp.route("/<op_id>/events")
class OperationEvents(MethodView):
    @blp.response(200, content_type="text/event-stream")
    def get(self, op_id):
        """Progress events as server-sent events (``progress`` per step, a final ``end`` with the state)."""
        op = operations().get(op_id)
        if op is not None:
            stream = _local_stream(op)
        else:
            _, session = _remote_state(op_id)
            stream = _remote_stream(op_id, session)
        return Response(stream_with_context(stream), mimetype="text/event-stream",
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
