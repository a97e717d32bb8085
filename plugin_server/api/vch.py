"""The VCHs of a target on vic-machine-server 1.5.8's paths: list, create, get, delete, certificate and log; ours
beside them: the client certificate bundle and the container VMs.

As 1.5.8: create answers 201 once the VCH exists (400 for bad input, 500 for a failed create) and delete 202 once
it is gone. ``Prefer: respond-async`` (RFC 7240, what our views send) answers 202 at once with the operation,
followed at ``/container/operations/{id}/events``. Either way everything the input decides — validation,
placement, certificates — is settled before anything is accepted.
"""

from __future__ import annotations

import io

from flask import Response, current_app, jsonify, request, send_file
from flask.views import MethodView

from plugin_server import bundle_store, privileges
from plugin_server.api import args, models, prefer
from plugin_server.api.common import Call, accepted, call_for, claim, findings_error, installed_isos, operations
from plugin_server.coalesce import session_key, shared_json
from plugin_server.api.vch_configure import CONFIGURE_PRIVILEGES
from plugin_server.api.vch_model import ignored, list_item, shown, without_ours
from plugin_server.errors import ApiError, status_of
from plugin_server.schemas import ErrorSchema
from vic_machine import spec as vch_spec
from vic_machine.errors import FieldError, InputError, VicError
from vic_machine.esxi.defaults import with_host_defaults
from vic_machine.inventory import take_snapshot
from vic_machine.operations.cert import server_certificate
from vic_machine.operations.containers import list_containers
from vic_machine.operations.create import ValidationFailed, prepare, run
from vic_machine.operations.delete import check_version, delete_vch
from vic_machine.operations.find import find_vch
from vic_machine.operations.inspect import tls_mode
from vic_machine.operations.logs import read_create_log
from vic_machine.operations.ls import VchSummary, list_vchs
from vic_machine.validate import has_errors, validate
from vic_machine.vsphere.datacenter import find_datacenter

blp = args.ApiBlueprint("vch", __name__, url_prefix="/container/target/<target>", description="Virtual container hosts")

DELETE_CHOICES = {"containers": ("off", "all"), "volume_stores": ("none", "all")}


def _find(call: Call, vch_id: str) -> VchSummary:
    return find_vch(call.session, vch_id=vch_id, datacenter=call.datacenter, iso=_appliance_iso())


def _readable(call: Call, vch_id: str) -> VchSummary:
    """The VCH, once vCenter says the caller may read it (403 naming System.Read)."""
    vch = _find(call, vch_id)
    privileges.require(call.session, vch.vm, privileges.READ, "read a VCH", vch.name)
    return vch


def _appliance_iso():
    """The appliance ISO new VCHs get, to tell which VCHs are upgradeable; None when none is installed."""
    try:
        return installed_isos().appliance
    except InputError:
        return None


def _vch_path(target: str, datacenter: str, vch_id: str) -> str:
    where = f"/container/target/{target}" + (f"/datacenter/{datacenter}" if datacenter else "")
    return f"{where}/vch/{vch_id}"


def _list(target: str, datacenter: str = ""):
    call = call_for(target, datacenter)
    compute = request.args.get("compute-resource", "")
    # Concurrent identical lists of one session share one read of vCenter (plugin_server.coalesce).
    return shared_json(("vch-list", session_key(call.session), target, datacenter, compute), models.VCH_List,
                       lambda: _read_list(call, datacenter, compute))


def _read_list(call, datacenter: str, compute: str) -> dict:
    if compute:
        # As 1.5.8: the compute resource must exist (by path, name or id); then only the VCHs in it.
        nodes = take_snapshot(call.session, datacenter).find_compute(compute)
        if len(nodes) != 1:
            raise InputError(FieldError("compute-resource", f"{compute!r} is not one compute resource of the "
                                                            "datacenter: give its path or id"))
        compute = nodes[0].path
    # With what is left of VCHs whose endpoint VM is gone (being deleted): Delete finishes them (issue 14).
    vchs = list_vchs(call.session, datacenter, compute_resource=compute, iso=_appliance_iso(), remnants=True)
    return {"vchs": [list_item(v) for v in vchs]}


class _Outcome:
    """A synchronous answer: what the operation's work raised, so its error is answered with the status its cause
    has (500 for a failed run, as 1.5.8)."""

    def __init__(self) -> None:
        self.cause: BaseException | None = None

    def watch(self, work):
        def watched(sink, cancel_event):
            try:
                return work(sink, cancel_event)
            except BaseException as exc:
                self.cause = exc
                raise
        return watched

    def answer(self, op, done) -> tuple:
        """Once ``op`` is over: ``done(result)`` on success, else its error."""
        prefer.wait(op)
        if op.state == "success":
            return done(op.result)
        return jsonify(op.error), status_of(self.cause) if isinstance(self.cause, VicError) else 500


def _create(body, target: str, datacenter: str = ""):
    spec, unknown = vch_spec.load_lenient(without_ours(body if body is not None else {}))
    # What is required depends on the target: an ESXi host has defaults for the compute resource and bridge.
    vch_spec.validate_input(spec, required=False)
    call = call_for(target, datacenter)
    session = call.session
    inventory = take_snapshot(session, datacenter)
    spec = with_host_defaults(spec, inventory)
    vch_spec.validate_input(spec)
    # Claimed before it is validated: a second create of the same name while one runs is 409 at once.
    subject = f"{call.target_key}/{inventory.datacenter}/{spec.name}"
    claimed = claim(subject)
    # Before validation: its probes (registries, the operations user's login) are for users allowed to create.
    dc = find_datacenter(session, datacenter)
    privileges.require(session, dc, privileges.CREATE, "create a VCH", inventory.datacenter)
    findings = validate(spec, inventory, session=session, target_display=call.target.display)
    if has_errors(findings):
        raise findings_error(findings)
    try:
        job = prepare(session, spec, isos=installed_isos(), timeout=current_app.config["CREATE_TIMEOUT"],
                      inventory=inventory, findings=findings)
    except ValidationFailed as exc:
        raise findings_error(exc.findings) from None
    key = current_app.config["BUNDLE_KEY"]
    warnings = ignored(unknown)
    outcome = _Outcome()

    def keep_bundle(done) -> None:
        # A step of the create, before its last: a VCH listed as created always has its bundle (issue 14).
        bundle = done.certs.client_zip(done.name, f"{done.client_ip}:{done.config.docker_port}"
                                       if done.client_ip else None)
        bundle_store.store(session, done.vm, bundle, key)

    def work(sink, cancel_event):
        result = run(job, sink, cancel_event, keep_bundle=keep_bundle)
        # vic-machine-server names a VCH by its VM's managed object id.
        out = {**result.to_dict(), "id": result.id.split(":")[-1]}
        out["warnings"] = warnings + out.get("warnings", [])
        return out

    op = operations().start("create", subject, call.target_key, session, dc, outcome.watch(work), claim=claimed)
    if prefer.wants(prefer.RESPOND_ASYNC):
        answer, status, headers = accepted(op)
        return jsonify({**answer, "warnings": warnings} if warnings else answer), status, {
            **headers, **prefer.applied(prefer.RESPOND_ASYNC)}

    def created(result: dict):
        mine = {k: result[k] for k in ("id", "name", "docker_host", "admin_portal", "docker_env", "warnings")}
        return {"vic_plugin": mine}, 201, {"Location": _vch_path(target, datacenter, result["id"])}

    return outcome.answer(op, created)


def _delete_options(body) -> tuple[dict, list[str]]:
    if body is None:
        return {}, []
    if not isinstance(body, dict):
        raise InputError(FieldError("", "the deletion specification must be a JSON object"))
    errors = [FieldError(k, f"must be one of {', '.join(v)}") for k, v in DELETE_CHOICES.items()
              if k in body and body[k] not in v]
    if errors:
        raise InputError(errors)
    return body, [k for k in body if k not in DELETE_CHOICES]


def _delete(body, target: str, vch_id: str, datacenter: str = ""):
    """Delete a VCH. ``"containers": "all"`` is the force: it powers running containers off and deletes a VCH of
    another version than the server's appliance ISO, otherwise refused with 409 ``version_mismatch``."""
    options, unknown = _delete_options(body)
    call = call_for(target, datacenter)
    claimed = claim(f"{call.target_key}/{vch_id.split(':', 1)[-1]}")  # before any read: a racing delete is 409
    # What is left of a VCH whose endpoint VM is gone is found too: Delete finishes it (issue 14).
    vch = find_vch(call.session, vch_id=vch_id, datacenter=call.datacenter, iso=_appliance_iso(), remnants=True)
    privileges.require(call.session, vch.entity, privileges.DELETE, "delete a VCH", vch.name)
    force = options.get("containers") == "all"
    volumes = options.get("volume_stores") == "all"
    hint = '"containers": "all"'
    installer = _appliance_iso()
    check_version(vch, installer, force=force, force_hint=hint)  # here, so the refusal is a 409
    session = call.session
    warnings = ignored(unknown)
    outcome = _Outcome()

    def work(sink, cancel_event):
        result = delete_vch(session, vch, force=force, delete_volumes=volumes, sink=sink, installer=installer,
                            force_hint=hint, cancel_event=cancel_event)
        out = result.to_dict()
        out["warnings"] = warnings + out.get("warnings", [])
        return out

    op = operations().start("delete", f"{call.target_key}/{vch.id}", call.target_key, session, vch.entity,
                            outcome.watch(work), claim=claimed)
    if prefer.wants(prefer.RESPOND_ASYNC):
        answer, status, headers = accepted(op)
        return answer, status, {**headers, **prefer.applied(prefer.RESPOND_ASYNC)}
    return outcome.answer(op, lambda result: ({"vic_plugin": result}, 202))


def _certificate(target: str, vch_id: str, datacenter: str = ""):
    call = call_for(target, datacenter)
    vch = _readable(call, vch_id)
    return Response(server_certificate(vch), mimetype="application/x-pem-file")


def _bundle(target: str, vch_id: str, datacenter: str = ""):
    call = call_for(target, datacenter)
    vch = _find(call, vch_id)
    # The client's private key: for who may reconfigure the VCH (who could install other client CAs anyway).
    privileges.require(call.session, vch.vm, CONFIGURE_PRIVILEGES, "download the client certificates of a VCH",
                       vch.name)
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
    # System.Read here; vCenter checks Datastore.Browse on the VCH's datastore as the log is read.
    return Response(read_create_log(call.session, _readable(call, vch_id)), mimetype="text/plain")


def _containers(target: str, vch_id: str | None = None, datacenter: str = ""):
    call = call_for(target, datacenter)
    # One VCH: System.Read on it; all of them: vCenter leaves out those the caller may not read.
    vchs = [_readable(call, vch_id)] if vch_id is not None else list_vchs(call.session, datacenter)
    return {"containers": [c.to_dict() for c in list_containers(call.session, vchs)]}


def _routes(prefix: str, name: str) -> None:
    """The same views with and without ``/datacenter/<datacenter>`` in the path."""

    @blp.route(f"{prefix}/vch", endpoint=f"{name}VchList")
    class VchList(MethodView):
        @blp.arguments(args.ListArgs, location="query", as_kwargs=True)
        @blp.response(200, models.VCH_List)
        def get(self, target, datacenter="", **_):
            """The VCHs of the datacenter (1.5.8), ``?compute-resource=`` narrowing to one compute resource."""
            return _list(target, datacenter)

        @blp.arguments(args.TargetArgs, location="query", as_kwargs=True)
        @blp.arguments(models.model_schema(), description="The VCH to create (1.5.8's VCH model)")
        @blp.arguments(args.PreferHeader, location="headers", as_kwargs=True)
        @blp.response(201, models.VCH_Created, description="The VCH exists (1.5.8); Location names it")
        @blp.alt_response(202, schema=models.Operation, description="Prefer: respond-async: the operation")
        @blp.alt_response(400, schema=ErrorSchema, description="Bad input: messages per field path in errors")
        @blp.alt_response(500, schema=ErrorSchema, description="The create failed; everything done was undone")
        def post(self, body, target, datacenter="", **_):
            """Create a VCH from the VCH model: 201 once it exists (1.5.8), or 202 at once with
            ``Prefer: respond-async``."""
            return _create(body, target, datacenter)

    @blp.route(f"{prefix}/vch/<vch_id>", endpoint=f"{name}Vch")
    class Vch(MethodView):
        @blp.arguments(args.TargetArgs, location="query", as_kwargs=True)
        @blp.response(200, models.model_schema())
        def get(self, target, vch_id, datacenter="", **_):
            """One VCH as 1.5.8's VCH model (what create takes), our details under ``vic_plugin``."""
            call = call_for(target, datacenter)
            return shown(call.session, _readable(call, vch_id))[0]

        @blp.arguments(args.TargetArgs, location="query", as_kwargs=True)
        @blp.arguments(models.Deletion_Specification, required=False)
        @blp.arguments(args.PreferHeader, location="headers", as_kwargs=True)
        @blp.response(202, models.VCH_Deleted, description="The VCH is gone (1.5.8), or with "
                                                          "Prefer: respond-async the operation deleting it")
        def delete(self, body, target, vch_id, datacenter="", **_):
            """Delete a VCH: 202 once it is gone (1.5.8), or at once with ``Prefer: respond-async``."""
            return _delete(body, target, vch_id, datacenter)

    @blp.route(f"{prefix}/vch/<vch_id>/certificate", endpoint=f"{name}VchCertificate")
    class Certificate(MethodView):
        @blp.arguments(args.TargetArgs, location="query", as_kwargs=True)
        @blp.response(200, {"type": "string"}, content_type="application/x-pem-file")
        def get(self, target, vch_id, datacenter="", **_):
            """The VCH's server certificate (PEM, 1.5.8); 404 when it has none."""
            return _certificate(target, vch_id, datacenter)

    @blp.route(f"{prefix}/vch/<vch_id>/certificate-bundle", endpoint=f"{name}VchBundle")
    class Bundle(MethodView):
        @blp.arguments(args.TargetArgs, location="query", as_kwargs=True)
        @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/zip")
        def get(self, target, vch_id, datacenter="", **_):
            """Ours: the client certificate bundle (zip) of a TLS VCH created through the plug-in."""
            return _bundle(target, vch_id, datacenter)

    @blp.route(f"{prefix}/vch/<vch_id>/log", endpoint=f"{name}VchLog")
    class Log(MethodView):
        @blp.arguments(args.TargetArgs, location="query", as_kwargs=True)
        @blp.response(200, {"type": "string"}, content_type="text/plain")
        def get(self, target, vch_id, datacenter="", **_):
            """The VCH's create log (1.5.8)."""
            return _log(target, vch_id, datacenter)

    @blp.route(f"{prefix}/vch/<vch_id>/containers", endpoint=f"{name}VchContainers")
    class VchContainers(MethodView):
        @blp.arguments(args.TargetArgs, location="query", as_kwargs=True)
        @blp.response(200, models.Containers)
        def get(self, target, vch_id, datacenter="", **_):
            """Ours: the VCH's container VMs."""
            return _containers(target, vch_id, datacenter)

    @blp.route(f"{prefix}/containers", endpoint=f"{name}Containers")
    class Containers(MethodView):
        @blp.arguments(args.TargetArgs, location="query", as_kwargs=True)
        @blp.response(200, models.Containers)
        def get(self, target, datacenter="", **_):
            """Ours: every container VM of every VCH in the datacenter."""
            return _containers(target, None, datacenter)


_routes("", "")
_routes("/datacenter/<datacenter>", "Dc")
