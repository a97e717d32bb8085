"""Helpers for API tests: an app configured for the simulator, and authentication headers."""

from __future__ import annotations

import base64
import json

from plugin_server.app import create_app


def make_app(sim, **config):
    settings = {"TESTING": True, "VCENTER_THUMBPRINTS": {f"{sim.host}:{sim.port}": sim.thumbprint_sha256}}
    settings.update(config)
    return create_app(settings)


def basic(user: str, password: str) -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def target_path(sim) -> str:
    return f"/container/target/{sim.host}:{sim.port}"


def sse_events(client, op_id, auth) -> list[tuple[str, dict]]:
    """Every (event, data) of an operation's server-sent event stream, read to its end."""
    response = client.get(f"/container/operations/{op_id}/events", headers=auth, buffered=False)
    events, kind = [], None
    for raw in response.response:
        for line in raw.decode().splitlines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                events.append((kind, json.loads(line[6:])))
    return events


# RFC 7240: create and delete answer 202 at once with the operation (ours), not once done (vic-machine-server 1.5.8).
RESPOND_ASYNC = {"Prefer": "respond-async"}


def respond_async(headers: dict) -> dict:
    return {**headers, **RESPOND_ASYNC}
