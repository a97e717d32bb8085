"""``GET /api/about``: versions of the plug-in and what it runs on, the vCenter's, and the registration's."""

from __future__ import annotations

import platform
from importlib import metadata

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_server import __version__
from plugin_server.api import models
from plugin_server.api.common import call_for, installed_isos
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


def _appliance() -> dict:
    """The VCH appliance this server deploys: its ISOs' versions (what new VCHs run and others upgrade to)."""
    try:
        isos = installed_isos()
    except VicError as exc:
        return {"error": str(exc)}
    return {"version": isos.appliance.tag, "appliance_iso": isos.appliance.tag, "bootstrap_iso": isos.bootstrap.tag}


def count_vchs(session) -> int:
    """How many VCHs the caller sees, by VIC's own rule, without reading them as the list does: the VMs' names and
    pools in one read, then only the candidates' stored ids (their configuration, undecoded) in another."""
    from pyVmomi import vim

    from vic_machine.extraconfig import is_vch
    from vic_machine.inventory.vch_candidates import POOL_PROPS, VM_PROPS, candidates
    from vic_machine.vsphere.raw_soap import retrieve_mixed, retrieve_objects_plain

    objs = retrieve_mixed(session, session.content.rootFolder, {vim.VirtualMachine: VM_PROPS},
                          {vim.ResourcePool: POOL_PROPS})
    vms = list(candidates(objs))
    configs = retrieve_objects_plain(session, vms, ["config.extraConfig"])
    return sum(1 for vm, props in configs.items() if is_vch(props.get("config.extraConfig") or [], vm._moId))


def _vcenter(target: str) -> dict:
    from plugin_server.registration import find_registration

    call = call_for(target)
    about = call.session.content.about
    registered = find_registration(call.session, current_app.config["EXTENSION_KEY"])
    return {
        "vcenter": {"name": about.fullName, "version": about.version, "build": about.build,
                    "api_type": about.apiType, "instance_uuid": about.instanceUuid, "target": target,
                    "user": call.session.user},
        "registration": registered.to_dict() if registered else None,
        "vchs": {"count": count_vchs(call.session)},
    }


@blp.route("/about")
class About(MethodView):
    @blp.doc(security=[], parameters=[{"in": "query", "name": "target", "required": False,
                                       "schema": {"type": "string"},
                                       "description": "Also this vCenter's versions and the registration"}])
    @blp.response(200, models.About)
    def get(self):
        """Plug-in and core versions, Python and libraries, the VCH appliance it deploys; with ``?target=`` also
        vCenter (and who is asking), the registration and how many VCHs there are (counted, not listed)."""
        body = {
            "plugin": {"name": "vic-plugin", "vendor": "vic-plugin project", "version": __version__,
                       "build": current_app.config.get("BUILD", "dev")},
            "core": {"version": core_version},
            "python": platform.python_version(),
            "libraries": _library_versions(),
            "appliance": _appliance(),
        }
        target = request.args.get("target")
        if target:
            try:
                body.update(_vcenter(target))
            except VicError as exc:
                body["vcenter_error"] = str(exc)
        return body
