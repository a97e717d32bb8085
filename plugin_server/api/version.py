"""``GET /container/hello`` and ``GET /container/version``, as vic-machine-server answered them."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_server import __version__

blp = Blueprint("version", __name__, url_prefix="/container", description="Liveness and version")


@blp.route("/hello")
class Hello(MethodView):
    @blp.response(200, content_type="text/plain")
    def get(self):
        """Answer if the server is up."""
        return Response("success", mimetype="text/plain")


@blp.route("/version")
class Version(MethodView):
    @blp.response(200, content_type="text/plain")
    def get(self):
        """The server's version, vic-machine-server style."""
        return Response(f"v{__version__}", mimetype="text/plain")
