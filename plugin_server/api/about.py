"""``GET /api/about``: versions of the plug-in and what it runs on, the vCenter's, and the registration's."""

from __future__ import annotations

import platform
from importlib import metadata

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_server import __version__
from plugin_server.api import models
from plugin_server.api.common import call_for
from vic_machine import __version__ as core_version
from vic_machine.errors import VicError

blp = Blueprint("about", __name__, url_prefix="/api", description="Version information")

LIBRARIES = ("flask", "flask-smorest", "marshmallow", "pyvmomi", "cryptography", "pynacl", "gunicorn")


def _library_versions() -> dict[str, str]:
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def _vcenter(target: str) -> dict:
    from plugin_server.registration import find_registration

    call = call_for(target)
    about = call.session.content.about
    registered = find_registration(call.session, current_app.config["EXTENSION_KEY"])
    return {
        "vcenter": {"name": about.fullName, "version": about.version, "build": about.build,
                    "api_type": about.apiType, "instance_uuid": about.instanceUuid},
        "registration": registered.to_dict() if registered else None,
    }


@blp.route("/about")
class About(MethodView):
    @blp.doc(security=[], parameters=[{"in": "query", "name": "target", "required": False,
                                       "schema": {"type": "string"},
                                       "description": "Also this vCenter's versions and the registration"}])
    @blp.response(200, models.About)
    def get(self):
        """Plug-in and core versions, Python and libraries; with ``?target=`` also vCenter and registration."""
        body = {
            "plugin": {"name": "vic-plugin", "vendor": "vic-plugin project", "version": __version__,
                       "build": current_app.config.get("BUILD", "dev")},
            "core": {"version": core_version},
            "python": platform.python_version(),
            "libraries": _library_versions(),
        }
        target = request.args.get("target")
        if target:
            try:
                body.update(_vcenter(target))
            except VicError as exc:
                body["vcenter_error"] = str(exc)
        return body
