"""``PUT|PATCH …/vch/<vch_id>``: reconfigure a VCH (501 in VIC 1.5).

PATCH takes a partial VCH model: only the fields given change. PUT takes the whole model (omitted secrets keep
their stored values). Either is merged with the VCH's stored configuration and validated before anything is
done — a bad change is 400 naming the fields, a VCH another operation holds 409 — then answers 202 with the
operation; its first progress message says whether the VCH restarts. A body in the form ``GET …/vch/<vch_id>``
answers (1.5.8's conventions: managed objects by id, the base image size in KB, ``runtime``, ``vic_plugin``) is
read as the change it is: what it shows unchanged is no change. Fields the model does not have are ignored and
named in ``warnings``. ``?reset_progress=true`` clears a stale
``UpdateInProgress`` mark. ``?dry_run=true`` answers 200 with only the ``configure`` preview (what would change,
whether it restarts the VCH) and changes nothing, so a wizard can ask before applying.

``GET …/vch/<vch_id>/spec``: the VCH's current configuration as the VCH model (secrets left out), what a
"Configure VCH" wizard is pre-filled with, and which field paths configure changes live or with a restart.
"""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.views import MethodView

from plugin_server import privileges
from plugin_server.api import args, models
from plugin_server.api.common import accepted, call_for, findings_error, operations
from plugin_server.api.vch_model import ignored, reconcile, shown, without_ours
from vic_machine import spec as vch_spec
from vic_machine.errors import FieldError, InputError
from vic_machine.operations.configure import configure, preview
from vic_machine.operations.configure_change import LIVE, RESTART
from vic_machine.operations.configure_spec import current_spec
from vic_machine.operations.create import ValidationFailed
from vic_machine.operations.find import find_vch
from vic_machine.spec.schema import split_unknown

blp = args.ApiBlueprint("vch_configure", __name__, url_prefix="/container/target/<target>",
                        description="Reconfigure a virtual container host")

CONFIGURE_PRIVILEGES = (
    "VirtualMachine.Config.AdvancedConfig",
    "VirtualMachine.Interact.PowerOff",
    "VirtualMachine.Interact.PowerOn",
    "VirtualMachine.State.CreateSnapshot",
    "VirtualMachine.State.RevertToSnapshot",
    "VirtualMachine.State.RemoveSnapshot",
    "Resource.EditPool",
)


def _flag(name: str) -> bool:
    return request.args.get(name, "").lower() in ("1", "true", "yes")


def _configure(target: str, vch_id: str, datacenter: str, partial: bool):
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InputError(FieldError("body", "must be a JSON object: the VCH model (PUT) or part of it (PATCH)"))
    reset = _flag("reset_progress")
    dry_run = _flag("dry_run")
    if reset and dry_run:
        raise InputError(FieldError("dry_run", "cannot be combined with reset_progress"))
    call = call_for(target, datacenter)
    session = call.session
    vch = find_vch(session, vch_id=vch_id, datacenter=datacenter)
    privileges.require(session, vch.vm, CONFIGURE_PRIVILEGES, "configure a VCH", vch.name)
    body, unknown = split_unknown(reconcile(without_ours(body), *shown(session, vch)))
    warnings = ignored(unknown)
    if not reset:
        try:
            planned = preview(session, vch, body, partial=partial)
        except ValidationFailed as exc:
            raise findings_error(exc.findings) from None
        if dry_run:
            return jsonify({"configure": planned.to_dict(), "warnings": warnings}), 200
    timeout = current_app.config["CREATE_TIMEOUT"]

    def work(sink, cancel_event):
        return configure(session, vch, body, sink=sink, cancel_event=cancel_event, reset_progress=reset,
                         partial=partial, timeout=timeout).to_dict()

    op = operations().start("configure", f"{call.target_key}/{vch.id}", call.target_key, session, vch.vm, work)
    answer = op.to_dict()
    if not reset:
        answer["configure"] = planned.to_dict()
    if warnings:
        answer["warnings"] = warnings
    return answer, 202, accepted(op)[2]


def _spec(target: str, vch_id: str, datacenter: str) -> dict:
    call = call_for(target, datacenter)
    vch = find_vch(call.session, vch_id=vch_id, datacenter=datacenter)
    privileges.require(call.session, vch.vm, privileges.READ, "read a VCH", vch.name)
    spec, _config = current_spec(call.session, vch)
    return {"vch": vch_spec.dump(spec), "configurable": {"live": list(LIVE), "restart": list(RESTART)}}


def _routes(prefix: str, name: str) -> None:
    """With and without ``/datacenter/<datacenter>``; GET and DELETE of the same path live in ``vch.py``."""

    @blp.route(f"{prefix}/vch/<vch_id>/spec", endpoint=f"{name}VchSpec", methods=["GET"])
    class VchSpec(MethodView):
        @blp.arguments(args.TargetArgs, location="query", as_kwargs=True)
        @blp.response(200, models.VCH_Spec)
        def get(self, target, vch_id, datacenter="", **_):
            """Ours: the VCH's current configuration as the core's model (no secrets) and the configurable field
            paths."""
            return _spec(target, vch_id, datacenter)

    @blp.route(f"{prefix}/vch/<vch_id>", endpoint=f"{name}VchConfigure", methods=["PUT", "PATCH"])
    class VchConfigure(MethodView):
        @blp.arguments(args.ConfigureArgs, location="query", as_kwargs=True)
        @blp.arguments(models.model_schema(), description="The whole VCH model (what GET answers will do)")
        @blp.response(202, models.Operation, description="The operation reconfiguring the VCH")
        @blp.alt_response(200, schema=models.Configure_Preview, description="dry_run: the preview only")
        def put(self, _body, target, vch_id, datacenter="", **_):
            """Ours (501 in 1.5.8): reconfigure a VCH from the whole VCH model; 202 with the operation."""
            return _configure(target, vch_id, datacenter, partial=False)

        @blp.arguments(args.ConfigureArgs, location="query", as_kwargs=True)
        @blp.arguments(models.model_schema(), description="Only the fields that change")
        @blp.response(202, models.Operation, description="The operation reconfiguring the VCH")
        @blp.alt_response(200, schema=models.Configure_Preview, description="dry_run: the preview only")
        def patch(self, _body, target, vch_id, datacenter="", **_):
            """Ours (501 in 1.5.8): change only the fields given of a VCH; 202 with the operation."""
            return _configure(target, vch_id, datacenter, partial=True)


_routes("", "")
_routes("/datacenter/<datacenter>", "Dc")
