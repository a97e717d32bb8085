"""``GET /container/health`` (issue 20): what HAProxy's HTTP check reads. 200 ``ok`` while a request can be taken,
503 ``busy`` when the check holds the last worker thread, 503 ``stopping`` once the server shuts down; no
credentials needed, nothing about users or operations told."""

from __future__ import annotations

from plugin_server.app import create_app


def test_ok_busy_and_stopping():
    app = create_app({"THREADS": 2, "REPLICA_NAME": "r1"})
    client = app.test_client()
    r = client.get("/container/health")
    assert r.status_code == 200 and r.json["status"] == "ok" and r.headers["X-Vic-Replica"] == "r1"
    assert r.json["in_flight"] == 1 and r.json["streams"] == 0 and r.json["operations"] == 0

    app.config["THREADS"] = 1  # the check itself takes the only thread: no other request could be served
    r = client.get("/container/health")
    assert r.status_code == 503 and r.json["status"] == "busy"

    app.config["THREADS"] = 8
    app.extensions["vic_operations"].stopping.set()
    r = client.get("/container/health")
    assert r.status_code == 503 and r.json["status"] == "stopping"


def test_without_a_name_no_replica_header():
    r = create_app().test_client().get("/container/health")
    assert r.status_code == 200 and "X-Vic-Replica" not in r.headers and r.json["threads"] is None
