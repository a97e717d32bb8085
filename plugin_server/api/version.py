"""``GET /container/hello``, ``/container/version`` and ``/container``, as vic-machine-server 1.5.8 answers them."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app
from flask.views import MethodView

from plugin_server import __version__
from plugin_server.api.args import ApiBlueprint
from plugin_server.errors import ApiError

blp = ApiBlueprint("version", __name__, url_prefix="/container", description="Liveness and version")

WELCOME = "You have successfully accessed the VCH Management API."
PUBLIC = {"security": []}
VERSION_DOC = {"type": "string", "pattern": r"^v[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-[0-9a-f]{7,40}$",
               "example": "v0.1.0-0-3537a55"}


@lru_cache(maxsize=1)
def _source_commit() -> str:
    """The commit of the checkout the server runs from, when it is one; else seven zeros."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short=7", "HEAD"], cwd=Path(__file__).parent, timeout=5,
                             capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "0" * 7
    return out if out and all(c in "0123456789abcdef" for c in out) else "0" * 7


def server_version() -> str:
    """``v<version>-<build>-<commit>``, the form of vic-machine-server's version (``BUILD``/``COMMIT`` settings
    name a packaged build; a checkout's own commit otherwise)."""
    build = str(current_app.config.get("BUILD") or "0")
    commit = str(current_app.config.get("COMMIT") or _source_commit())
    return f"v{__version__}-{build if build.isdigit() else '0'}-{commit}"


@blp.route("/hello")
class Hello(MethodView):
    @blp.doc(**PUBLIC)
    @blp.response(200, {"type": "string", "example": WELCOME}, content_type="text/plain")
    def get(self):
        """A welcome message (1.5.8's): open it in a browser to accept the server's certificate."""
        return Response(WELCOME, mimetype="text/plain")


@blp.route("/version")
class Version(MethodView):
    @blp.doc(**PUBLIC)
    @blp.response(200, VERSION_DOC, content_type="text/plain")
    def get(self):
        """The server's version, ``v<version>-<build>-<commit>`` as vic-machine-server's."""
        return Response(server_version(), mimetype="text/plain")


def _not_implemented():
    raise ApiError(501, "GET /container is not implemented, as in vic-machine-server 1.5.8: the API reference is "
                        "at /container/api", code="not_implemented")


@blp.route("")
class Metadata(MethodView):
    @blp.doc(**PUBLIC)
    @blp.response(501, description="Not implemented (1.5.8's metadata resource)")
    def get(self):
        """VIC metadata: not implemented (501), as in vic-machine-server 1.5.8."""
        _not_implemented()


@blp.route("/")
class MetadataSlash(MethodView):
    @blp.doc(**PUBLIC)
    @blp.response(501, description="Not implemented (1.5.8's metadata resource)")
    def get(self):
        """As ``GET /container``."""
        _not_implemented()
