"""What the vSphere Client loads from us: ``plugin.json``, the views, their styles and icons, dynamic items.

Static files are plain Flask routes (left out of the OpenAPI document); the manifest, the dynamic-item
endpoints and ``/api/targets`` are documented. Dynamic items decide per VM from its extraConfig, read with
the caller's own session in one property-collector call for all the ids asked about.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from flask import Blueprint as FlaskBlueprint
from flask import current_app, jsonify, request
from flask.views import MethodView
from marshmallow import Schema, fields
from pyVmomi import vim

from plugin_server.api import models
from plugin_server.api.args import ApiBlueprint
from plugin_server.auth import has_credentials, pinned_target, target_for_guid, unauthenticated, user_session
from plugin_server.errors import ApiError
from plugin_server.manifest import ICON_FILE, dynamic_items, load_releases, render_manifest
from plugin_server.manifest_package import LEGACY_MANIFEST, MULTI_MANIFEST_ZIP, manifest_named, multi_manifest_zip
from plugin_server.static_files import send_static
from vic_machine import spec as vch_spec
from vic_machine.extraconfig import is_container, is_vch
from vic_machine.spec import to_create_flags
from vic_machine.vsphere.collector import retrieve, retrieve_objects
from vic_machine.vsphere.session import Session

ROOT = Path(__file__).resolve().parents[2]
UI_DIR = ROOT / "plugin_ui"
# Clarity's stylesheet, installed by `npm ci` at the repository root (never fetched from a CDN).
VENDOR_FILES = {"clr-ui.min.css": ROOT / "node_modules" / "@clr" / "ui" / "clr-ui.min.css"}

blp = ApiBlueprint("ui", __name__, description="The plug-in manifest, views and dynamic items")

# Which dynamic item is visible for a VM, by what the VM is.
_VISIBLE = {
    "vicVmCard": lambda kind: kind in ("vch", "container"),
    "deleteVch": lambda kind: kind == "vch",
}


def _static(path: str):
    return send_static(UI_DIR, path, max_age=60)


def _vendor(name: str):
    file = VENDOR_FILES.get(name)
    if file is None or not file.exists():
        raise ApiError(404, f"{name} is not installed: run `make setup` (npm ci)", code="not_found")
    return send_static(file.parent, file.name, max_age=3600)


def _icons():
    return send_static(ICON_FILE.parent, ICON_FILE.name, max_age=3600, mimetype="image/svg+xml")


def _index():
    return _static("index.html")


# Registered with Flask's own add_url_rule so flask-smorest does not document them as API operations.
FlaskBlueprint.add_url_rule(blp, "/ui/", "ui_index", _index)
FlaskBlueprint.add_url_rule(blp, "/ui/icons.svg", "ui_icons", _icons)
FlaskBlueprint.add_url_rule(blp, "/ui/vendor/<name>", "ui_vendor", _vendor)
FlaskBlueprint.add_url_rule(blp, "/ui/<path:path>", "ui_file", _static)


def _multi_manifest():
    return current_app.response_class(multi_manifest_zip(), mimetype="application/zip")


# What vCenter is registered with (the multi-manifest) and each manifest in it, beside plugin.json.
FlaskBlueprint.add_url_rule(blp, f"/{MULTI_MANIFEST_ZIP}", "multi_manifest", _multi_manifest)
for _release in load_releases():
    FlaskBlueprint.add_url_rule(blp, f"/{_release.file}", f"manifest_{_release.file.replace('.', '_')}",
                                lambda name=_release.file: jsonify(manifest_named(name)))


@blp.route("/plugin.json")
class Manifest(MethodView):
    @blp.doc(security=[])
    @blp.response(200, {"type": "object", "description": "The remote plug-in manifest, in the vSphere Client's "
                                                         "format"})
    def get(self):
        """The remote plug-in manifest for the oldest supported vSphere Client release (7.0 U2), which every
        supported release loads; register plugin-multi-manifest.zip beside it to get each release's own."""
        return jsonify(manifest_named(LEGACY_MANIFEST))


def parse_object_id(object_id: str) -> tuple[str, str, str]:
    """``urn:vmomi:VirtualMachine:vm-42:<guid>`` → ``("VirtualMachine", "vm-42", guid)``."""
    parts = object_id.split(":")
    if len(parts) < 4 or parts[0] != "urn" or parts[1] != "vmomi":
        raise ApiError(400, f"{object_id!r} is not a vSphere object id (urn:vmomi:<type>:<id>:<vCenter>)",
                       code="invalid_object_id")
    return parts[2], parts[3], ":".join(parts[4:])


def _session_for_guid(guid: str) -> Session:
    """The caller's session on the configured vCenter whose instance uuid is ``guid`` (or the only one): in
    Enhanced Linked Mode the object's id names which vCenter it lives on."""
    targets = list(current_app.config["VCENTER_THUMBPRINTS"])
    if not targets:
        raise ApiError(400, "No vCenter is configured", code="untrusted_target")
    if len(targets) == 1 or not guid:
        return user_session(pinned_target(targets[0]))
    return user_session(pinned_target(target_for_guid(guid)))


def _kinds(object_ids: list[str]) -> dict[str, str]:
    """Each VM id mapped to "vch", "container" or "" (anything else, or not a VM)."""
    kinds = {object_id: "" for object_id in object_ids}
    vms = {}
    for object_id in object_ids:
        kind, moid, guid = parse_object_id(object_id)
        if kind == "VirtualMachine":
            vms.setdefault(guid, {})[moid] = object_id
    for guid, by_moid in vms.items():
        session = _session_for_guid(guid)
        refs = [vim.VirtualMachine(moid, session.stub) for moid in by_moid]
        for ref, props in retrieve_objects(session.content, refs, ["config.extraConfig"]).items():
            extra = props.get("config.extraConfig") or []
            if is_vch(extra, ref._moId):
                kinds[by_moid[ref._moId]] = "vch"
            elif is_container(extra):
                kinds[by_moid[ref._moId]] = "container"
    return kinds


def _dynamic(uri: str) -> dict:
    if not has_credentials():
        # Before any vCenter is asked about the ids: an anonymous caller learns nothing and costs nothing.
        raise unauthenticated()
    body = request.get_json(silent=True) or {}
    object_ids = body.get("objectIds")
    if not isinstance(object_ids, list) or not all(isinstance(i, str) for i in object_ids):
        raise ApiError(400, 'Send {"objectIds": ["urn:vmomi:VirtualMachine:vm-42:<vCenter>", ...]}',
                       code="invalid_body")
    kinds = _kinds(object_ids)
    items = dynamic_items(render_manifest()).get(uri, [])
    # An action on several VMs shows only when it applies to every one of them.
    return {"apiVersion": "1.0.0",
            "dynamicItems": [{"id": item, "visible": bool(kinds) and all(_VISIBLE.get(item, lambda k: False)(k)
                                                                         for k in kinds.values())}
                             for item in items]}


@blp.route("/api/dynamic-items/vm/summary")
class VmSummaryItems(MethodView):
    @blp.arguments(models.Object_Ids)
    @blp.response(200, models.Dynamic_Items)
    def post(self, _body):
        """Whether the VCH / container summary card shows on the given VMs."""
        return _dynamic("api/dynamic-items/vm/summary")


@blp.route("/api/dynamic-items/vm/actions")
class VmActionItems(MethodView):
    @blp.arguments(models.Object_Ids)
    @blp.response(200, models.Dynamic_Items)
    def post(self, _body):
        """Whether "Delete Virtual Container Host" shows for the given VMs."""
        return _dynamic("api/dynamic-items/vm/actions")


@blp.route("/api/targets")
class Targets(MethodView):
    @blp.response(200, models.Targets)
    def get(self):
        """The vCenters this server serves, each with its instance uuid and datacenters (the caller's view)."""
        out = []
        for target in current_app.config["VCENTER_THUMBPRINTS"]:
            session = user_session(pinned_target(target))
            found = retrieve(session.content, session.content.rootFolder, {vim.Datacenter: ["name"]})
            datacenters = sorted(({"id": ref._moId, "name": props.get("name", "")} for ref, props in found.items()),
                                 key=lambda dc: dc["name"])
            about = session.about()
            out.append({"target": target, "name": about.name, "version": about.version,
                        "instance_uuid": about.instanceUuid, "datacenters": datacenters})
        return {"targets": out}


# What VIC Engine 1.5.8 ships its vic-machine as, per operating system (as vic-ui offered the command).
BINARIES = {"linux": "./vic-machine-linux", "darwin": "./vic-machine-darwin", "windows": "vic-machine-windows.exe"}
# Characters cmd.exe or a Windows program's argument parsing would take for something else outside quotes.
_WINDOWS_SPECIAL = re.compile(r'[\s"&|<>^()%!,;=]')


def windows_quote(arg: str) -> str:
    """One argument as cmd.exe passes it on and a Windows program (CommandLineToArgvW's rules) reads it back."""
    if arg and not _WINDOWS_SPECIAL.search(arg):
        return arg
    out, backslashes = ['"'], 0
    for char in arg:
        if char == "\\":
            backslashes += 1
            continue
        if char == '"':
            # "" inside quotes: a literal quote to the program, and two toggles that leave cmd.exe's view unchanged.
            out.append("\\" * (backslashes * 2) + '""')
        else:
            out.append("\\" * backslashes + char)
        backslashes = 0
    out.append("\\" * (backslashes * 2) + '"')
    return "".join(out)


def commands_for(argv: list[str]) -> dict[str, str]:
    """The command line running ``argv`` in each operating system's usual shell (POSIX shells, cmd.exe)."""
    posix = " ".join(shlex.quote(arg) for arg in argv)
    return {"linux": f"{BINARIES['linux']} {posix}", "darwin": f"{BINARIES['darwin']} {posix}",
            "windows": " ".join([BINARIES["windows"], *(windows_quote(arg) for arg in argv)])}


class CommandArgs(Schema):
    target = fields.String(metadata={"description": "A configured vCenter: adds --target (with the datacenter), "
                                                    "--user (the caller) and --thumbprint (its SHA-1, as vic-machine "
                                                    "1.5.8 compares it)"})
    datacenter = fields.String(metadata={"description": "The datacenter's name, in --target"})


def _target_flags(target: str, datacenter: str) -> list[str]:
    session = user_session(pinned_target(target))
    where = f"{target}/{datacenter}" if datacenter else target
    out = ["--target", where]
    if session.user:
        out += ["--user", session.user]
    if session.thumbprint_sha1:
        out += ["--thumbprint", session.thumbprint_sha1]
    return out


@blp.route("/api/create-command")
class CreateCommand(MethodView):
    @blp.arguments(CommandArgs, location="query", as_kwargs=True)
    @blp.arguments(models.model_schema(), description="The VCH model")
    @blp.response(200, models.Create_Command)
    def post(self, _body, target: str = "", datacenter: str = ""):
        """The ``vic-machine create`` command equivalent to a VCH model (password left out), for the wizard: the
        arguments, and the command line for Linux, macOS and Windows (VIC 1.5.8's program names, each shell's
        quoting). With ``?target=`` it says where and as whom it runs."""
        spec, _ignored = vch_spec.load_lenient(request.get_json(silent=True) or {})
        flags = to_create_flags(spec)
        argv = ["create", *(_target_flags(target, datacenter) if target else []),
                *shlex.split(" ".join(flags))]
        return {"command": " ".join(["vic-machine-linux create", *flags]), "flags": flags, "argv": argv,
                "commands": commands_for(argv)}
