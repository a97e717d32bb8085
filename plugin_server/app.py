"""The application factory."""

from __future__ import annotations

import atexit
import os

from flask import Flask
from flask_smorest import Api

from plugin_server import __version__, security
from plugin_server.api import (
    about,
    health,
    inventory,
    operations,
    reference,
    target,
    ui,
    validate,
    vch,
    vch_actions,
    vch_configure,
    version,
    wizard,
)
from plugin_server.api import models as api_models
from plugin_server.api.common import release_claims
from plugin_server.auth import release_request_sessions
from plugin_server.config import DEFAULTS
from plugin_server.cors import install_cors
from plugin_server.errors import register_error_handlers
from plugin_server.operations import Operations
from plugin_server.schemas import ErrorSchema
from plugin_server.sessions import SessionCache


class VicApi(Api):
    """flask-smorest's Api documenting our error shape as every endpoint's default response."""

    ERROR_SCHEMA = ErrorSchema


def create_app(config: dict | None = None) -> Flask:
    """Build the plug-in server; tests pass their own ``config``."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(
        API_TITLE="vic-plugin",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/container",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.config.update(config or {})
    # Without a key derived from the server's TLS key (vic-plugin serve), bundles last as long as this process.
    app.config.setdefault("BUNDLE_KEY", None)
    app.config["BUNDLE_KEY"] = app.config["BUNDLE_KEY"] or os.urandom(32)
    sessions = SessionCache(app.config["SESSION_TTL"], revalidate=app.config["SESSION_REVALIDATE"])
    app.extensions["vic_sessions"] = sessions
    app.extensions["vic_operations"] = Operations(sessions, app.config["EXTENSION_KEY"],
                                                  streams_per_user=app.config["MAX_STREAMS_PER_USER"],
                                                  streams_total=app.config["MAX_STREAMS"],
                                                  heartbeat=float(app.config["OPERATION_HEARTBEAT"]))
    atexit.register(sessions.close)
    app.teardown_request(release_request_sessions)
    app.teardown_request(release_claims)
    api = VicApi(app)
    api_models.register(api.spec)
    app.extensions["vic_api"] = api
    blueprints = (version, health, reference, about, wizard, inventory, validate, vch, vch_actions, vch_configure,
                  operations, target, ui)
    for module in blueprints:
        api.register_blueprint(module.blp)
    install_cors(app)
    # After Api(app), which installs its own handlers: ours give every error the same JSON shape.
    register_error_handlers(app)
    security.install(app)
    health.install(app)
    return app
