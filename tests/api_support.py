"""Helpers for API tests: an app configured for the simulator, and authentication headers."""

from __future__ import annotations

import base64

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
