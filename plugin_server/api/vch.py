"""The VCHs of a target: list, create, inspect, delete, certificates and logs (vic-machine-server's paths)."""

from __future__ import annotations

import io

from flask import Response, current_app, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from pyVmomi import vim

from plugin_server import bundle_store, privileges
from plugin_server.api.common import Call, accepted, call_for, claim, findings_error, installed_isos, operations
from plugin_server.errors import ApiError
from vic_machine import spec as vch_spec
from vic_machine.errors import FieldError, InputError
from vic_machine.inventory import take_snapshot
from vic_machine.operations.cert import server_certificate
from vic_machine.operations.containers import list_containers
from vic_machine.operations.create import create
from vic_machine.operations.delete import check_version, delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.inspect import inspect_vch, tls_mode
from vic_machine.operations.logs import read_create_log
from vic_machine.operations.ls import VchSummary, list_vchs
from vic_machine.validate import has_errors, validate
from vic_machine.vsphere.datacenter import find_datacenter

blp = Blueprint("vch", __name__, url_prefix="/container/target/<target>", description="Virtual container hosts")

DELETE_CHOICES = {"containers": ("off", "all"), "volume_stores": ("none", "all")}


def _summary(vch: VchSummary) -> dict:
    return {"id": vch.id, "name": vch.name, "parent": vch.path, "version": vch.version,
            "power_state": vch.power_state, "upgrade_status": vch.upgrade_status, "admin_portal": vch.admin_portal,
            "docker_host": vch.docker_host, "tls": tls_mode(vch) != "no-tls",
            "creating": vch.config.is_creating}


def _find(call: Call, vch_id: str) -> VchSummary:
    return find_vch(call.session, vch_id=vch_id, datacenter=call.datacenter, iso=_appliance_iso())


def _appliance_iso():
    """The appliance ISO new VCHs get, to tell which VCHs are upgradeable; None when none is installed."""
    try:
        return installed_isos().appliance
    except InputError:
        return None


def _list(target: str, datacenter: str = ""):
    call = call_for(target, datacenter)
    return {"vchs": [_summary(v) for v in list_vchs(call.session, datacenter, iso=_appliance_iso())]}


def _create(target: str, datacenter: str = ""):
    spec = vch_spec.load(request.get_json(silent=True) or {})
    vch_spec.validate_input(spec)
    call = call_for(target, datacenter)
    session = call.session
    inventory = take_snapshot(session, datacenter)
    findings = validate(spec, inventory, session=session, target_display=call.target.display)
    if has_errors(findings):
        raise findings_error(findings)
    dc = find_datacenter(session, datacenter)
    privileges.require(session, dc, privileges.CREATE, "create a VCH", inventory.datacenter)
    isos = installed_isos()
    key = current_app.config["BUNDLE_KEY"]
    timeout = current_app.config["CREATE_TIMEOUT"]

    def work(sink, cancel_event):
        result = create(session, spec, isos=isos, timeout=timeout, sink=sink, cancel_event=cancel_event)
        # vic-machine-server names a VCH by its VM's managed object id.
        body = {**result.to_dict(), "id": result.id.split(":")[-1]}
        if result.certs.mode != "no-tls":
            try:
                bundle = result.certs.client_zip(result.name, result.docker_host or None)
                bundle_store.store(session, vim.VirtualMachine(body["id"], session.stub), bundle, key)
            except Exception as exc:  # noqa: BLE001 - the VCH is up; only the download is missing
                body.setdefault("warnings", []).append(f"The client certificate bundle could not be kept: {exc}")
        return body

    op = operations().start("create", f"{call.target_key}/{inventory.datacenter}/{spec.name}", call.target_key,
                            session, dc, work)
    return accepted(op)


def _delete(target: str, vch_id: str, datacenter: str = ""):
    """Start deleting a VCH. ``"containers": "all"`` is the force: it powers running containers off and deletes
    a VCH of another version than the server's appliance ISO, otherwise refused with 409 ``version_mismatch``."""
    body = request.get_json(silent=True) or {}
    errors = [FieldError(k, f"must be one of {', '.join(v)}") for k, v in DELETE_CHOICES.items()
              if k in body and body[k] not in v]
    unknown = [FieldError(k, "is not a delete option") for k in body if k not in DELETE_CHOICES]
    if errors or unknown:
        raise InputError(errors + unknown)
    call = call_for(target, datacenter)
    claimed = claim(f"{call.target_key}/{vch_id.split(':', 1)[-1]}")  # before any read: a racing delete is 409
    vch = _find(call, vch_id)
    privileges.require(call.session, vch.vm, privileges.DELETE, "delete a VCH", vch.name)
    # "containers": "all" is the API's --force, as in vic-machine-server: it powers running containers off and
    # lets a VCH of another version than our appliance ISO be deleted. Checked here so the refusal is a 409.
    force = body.get("containers") == "all"
    volumes = body.get("volume_stores") == "all"
    hint = '"containers": "all"'
    installer = _appliance_iso()
    check_version(vch, installer, force=force, force_hint=hint)
    session = call.session

    def work(sink, cancel_event):
        result = delete_vch(session, vch, force=force, delete_volumes=volumes, sink=sink, installer=installer,
                            force_hint=hint)
        return result.to_dict()

    op = operations().start("delete", f"{call.target_key}/{vch.id}", call.target_key, session, vch.vm, work,
                            claim=claimed)
    return accepted(op)


def _get(target: str, vch_id: str, datacenter: str = ""):
    call = call_for(target, datacenter)
    vch = _find(call, vch_id)
    details = inspect_vch(vch).to_dict()
    return {**_summary(vch), "runtime": {"power_state": vch.power_state, "upgrade_status": vch.upgrade_status,
                                          "admin_portal": vch.admin_portal, "docker_host": vch.docker_host},
            "inspect": details}


def _certificate(target: str, vch_id: str, datacenter: str = ""):
    call = call_for(target, datacenter)
    vch = _find(call, vch_id)
    return Response(server_certificate(vch), mimetype="application/x-pem-file")


def _bundle(target: str, vch_id: str, datacenter: str = ""):
    call = call_for(target, datacenter)
    vch = _find(call, vch_id)
    if tls_mode(vch) == "no-tls":
        raise ApiError(404, f"VCH {vch.name} does not use TLS: it has no certificates", code="not_found")
    bundle = bundle_store.load(call.session, vch.vm, current_app.config["BUNDLE_KEY"])
    if bundle is None:
        raise ApiError(404, f"No client certificate bundle is kept for VCH {vch.name}", code="not_found",
                       remedy="VCHs created with vic-machine keep their bundle in the folder vic-machine wrote "
                              "(--tls-cert-path); the server certificate is at …/certificate")
    return send_file(io.BytesIO(bundle), mimetype="application/zip", as_attachment=True,
                     download_name=f"{vch.name}-certificates.zip")


def _log(target: str, vch_id: str, datacenter: str = ""):
    call = call_for(target, datacenter)
    return Response(read_create_log(call.session, _find(call, vch_id)), mimetype="text/plain")


def _containers(target: str, vch_id: str | None = None, datacenter: str = ""):
    call = call_for(target, datacenter)
    vchs = list_vchs(call.session, datacenter)
    if vch_id is not None:
        vchs = [_find(call, vch_id)]
    return {"containers": [c.to_dict() for c in list_containers(call.session, vchs)]}


def _routes(prefix: str, name: str) -> None:
    """The same views with and without ``/datacenter/<datacenter>`` in the path."""

    @blp.route(f"{prefix}/vch", endpoint=f"{name}VchList")
    class VchList(MethodView):
        @blp.response(200)
        def get(self, target, datacenter=""):
            """The VCHs of the datacenter."""
            return _list(target, datacenter)

        @blp.response(202)
        def post(self, target, datacenter=""):
            """Create a VCH from the VCH model; answers 202 with the operation (progress at …/events)."""
            return _create(target, datacenter)

    @blp.route(f"{prefix}/vch/<vch_id>", endpoint=f"{name}Vch")
    class Vch(MethodView):
        @blp.response(200)
        def get(self, target, vch_id, datacenter=""):
            """One VCH: summary, runtime and inspect details."""
            return _get(target, vch_id, datacenter)

        @blp.response(202)
        def delete(self, target, vch_id, datacenter=""):
            """Delete a VCH; body ``{"containers": "off|all", "volume_stores": "none|all"}``; answers 202."""
            return _delete(target, vch_id, datacenter)


    @blp.route(f"{prefix}/vch/<vch_id>/certificate", endpoint=f"{name}VchCertificate")
    class Certificate(MethodView):
        @blp.response(200, content_type="application/x-pem-file")
        def get(self, target, vch_id, datacenter=""):
            """The VCH's server certificate (PEM); 404 when it has none."""
            return _certificate(target, vch_id, datacenter)

    @blp.route(f"{prefix}/vch/<vch_id>/certificate-bundle", endpoint=f"{name}VchBundle")
    class Bundle(MethodView):
        @blp.response(200, content_type="application/zip")
        def get(self, target, vch_id, datacenter=""):
            """The client certificate bundle (zip) of a TLS VCH created through the plug-in."""
            return _bundle(target, vch_id, datacenter)

    @blp.route(f"{prefix}/vch/<vch_id>/log", endpoint=f"{name}VchLog")
    class Log(MethodView):
        @blp.response(200, content_type="text/plain")
        def get(self, target, vch_id, datacenter=""):
            """The VCH's create log."""
            return _log(target, vch_id, datacenter)

    @blp.route(f"{prefix}/vch/<vch_id>/containers", endpoint=f"{name}VchContainers")
    class VchContainers(MethodView):
        @blp.response(200)
        def get(self, target, vch_id, datacenter=""):
            """The VCH's container VMs."""
            return _containers(target, vch_id, datacenter)

    @blp.route(f"{prefix}/containers", endpoint=f"{name}Containers")
    class Containers(MethodView):
        @blp.response(200)
        def get(self, target, datacenter=""):
            """Every container VM of every VCH in the datacenter."""
            return _containers(target, None, datacenter)


_routes("", "")
_routes("/datacenter/<datacenter>", "Dc")
