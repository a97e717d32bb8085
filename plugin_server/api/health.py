"""``GET /container/health``: whether this replica can serve, for a load balancer's HTTP check (HAProxy's
``option httpchk``, ``deploy/haproxy.cfg``).

A TCP check only proves the kernel accepts connections: a replica whose threads are all held (by streams of
clients that went away, say) still passes it and keeps getting its share of traffic. This answer comes from a
worker thread, so a wedged replica does not answer at all, and one that can no longer take a request says so:

- 503 ``stopping``: shutting down (SIGTERM, its master gone): no new operation is accepted here.
- 503 ``busy``: every worker thread but the one answering is taken.
- 200 ``ok`` otherwise, with what it holds: requests in flight, open event streams and their limit, operations.

Public (no credentials: a load balancer has none) and touching no vCenter; it names no user or operation.
"""

from __future__ import annotations

import threading

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields

from plugin_server.api.args import ApiBlueprint
from plugin_server.api.common import operations
from plugin_server.api.version import PUBLIC

blp = ApiBlueprint("health", __name__, url_prefix="/container", description="Whether a replica serves (load balancers)")


class Health(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok", "busy", "stopping"]})
    replica = fields.String(required=True, metadata={"description": "This replica's name (--replica-name)"})
    in_flight = fields.Integer(required=True, metadata={"description": "Requests being answered, this one too"})
    threads = fields.Integer(allow_none=True, metadata={"description": "Worker threads (null: not known)"})
    streams = fields.Integer(required=True, metadata={"description": "Open event streams"})
    streams_max = fields.Integer(required=True)
    operations = fields.Integer(required=True, metadata={"description": "Operations running here"})


class InFlight:
    """WSGI middleware counting requests until their answer is closed (a stream counts as long as it is open)."""

    def __init__(self, wsgi) -> None:
        self.wsgi = wsgi
        self.count = 0
        self._lock = threading.Lock()

    def _add(self, n: int) -> None:
        with self._lock:
            self.count += n

    def __call__(self, environ, start_response):
        self._add(1)
        try:
            body = self.wsgi(environ, start_response)
        except BaseException:
            self._add(-1)
            raise
        return _Closing(body, lambda: self._add(-1))


class _Closing:
    def __init__(self, body, done) -> None:
        self._body, self._done, self._closed = body, done, False

    def __iter__(self):
        return iter(self._body)

    def close(self) -> None:
        try:
            if hasattr(self._body, "close"):
                self._body.close()
        finally:
            if not self._closed:
                self._closed = True
                self._done()


def install(app) -> None:
    """Count requests in flight, and name the replica on every answer (``X-Vic-Replica``, when it has a name), so
    whoever runs several can tell which one answered through the load balancer."""
    app.wsgi_app = app.extensions["vic_in_flight"] = InFlight(app.wsgi_app)

    @app.after_request
    def name_replica(response):
        name = app.config.get("REPLICA_NAME")
        if name:
            response.headers["X-Vic-Replica"] = name
        return response


def state() -> tuple[dict, int]:
    ops = operations()
    threads = current_app.config.get("THREADS")
    in_flight = current_app.extensions["vic_in_flight"].count
    status = "ok"
    if ops.stopping.is_set():
        status = "stopping"
    elif threads and in_flight >= threads:  # this request holds the last free thread
        status = "busy"
    body = {"status": status, "replica": current_app.config.get("REPLICA_NAME") or "", "in_flight": in_flight,
            "threads": threads, "streams": ops.streams.count(), "streams_max": ops.streams.total,
            "operations": len(ops.running())}
    return body, 200 if status == "ok" else 503


@blp.route("/health")
class HealthCheck(MethodView):
    @blp.doc(**PUBLIC)
    @blp.response(200, Health, description="This replica serves")
    @blp.alt_response(503, schema=Health, description="Shutting down, or every worker thread is taken")
    def get(self):
        """Whether this replica can take requests (a load balancer's HTTP check); no credentials."""
        return state()
