"""The application factory."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from plugin_server import __version__
from plugin_server.api import version as version_api


def create_app(config: dict | None = None) -> Flask:
    """Build the plug-in server; tests pass their own ``config``."""
    app = Flask(__name__)
    app.config.update(
        API_TITLE="vic-plugin",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/container",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.config.update(config or {})
    api = Api(app)
    api.register_blueprint(version_api.blp)
    return app
