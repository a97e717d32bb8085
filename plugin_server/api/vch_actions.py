"""``POST …/vch/<vch_id>?action=upgrade|debug``: vic-machine-server's VCH actions (501 in VIC 1.5).

``upgrade`` answers 202 with the operation (progress at ``/container/operations/<id>/events``); its optional body
``{"rollback": bool, "reset_progress": bool, "force": bool}``. ``debug`` is quick and answers 200 with what was
done; its body ``{"enable_ssh": bool, "authorized_key": "ssh-…", "root_password": "…"}`` — the password is
never echoed, logged or kept. An unknown action or a bad body is 400, as every other invalid input here.
"""

from __future__ import annotations


from flask import current_app, jsonify, request
from flask.views import MethodView

from plugin_server import privileges
from plugin_server.api import args, models
from plugin_server.api.common import Call, accepted, call_for, claim, installed_isos, operations
from plugin_server.errors import ApiError
from vic_machine.errors import FieldError, InputError
from vic_machine.operations.debug import debug
from vic_machine.operations.find import find_vch
from vic_machine.operations.ls import VchSummary
from vic_machine.operations.upgrade import upgrade

blp = args.ApiBlueprint("vch_actions", __name__, url_prefix="/container/target/<target>",
                        description="Actions on a virtual container host: upgrade, debug")

ACTIONS = ("upgrade", "debug")
UPGRADE_FIELDS = ("rollback", "reset_progress", "force")
DEBUG_FIELDS = {"enable_ssh": bool, "authorized_key": str, "root_password": str}
UPGRADE_PRIVILEGES = (
    "VirtualMachine.State.CreateSnapshot",
    "VirtualMachine.State.RevertToSnapshot",
    "VirtualMachine.State.RemoveSnapshot",
    "VirtualMachine.Interact.PowerOff",
    "VirtualMachine.Interact.PowerOn",
    "VirtualMachine.Config.AdvancedConfig",
    "VirtualMachine.Config.EditDevice",  # the CD-ROM's new ISO
    "VirtualMachine.Config.Settings",  # the guest name naming the version
    "VirtualMachine.Interact.DeviceConnection",
    "Datastore.FileManagement",
)
DEBUG_PRIVILEGES = ("VirtualMachine.GuestOperations.Execute",)

def _body(allowed: dict[str, type]) -> dict:
    body = request.get_json(silent=True)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise InputError(FieldError("body", "must be a JSON object"))
    errors = [FieldError(k, "is not an option of this action") for k in body if k not in allowed]
    errors += [FieldError(k, f"must be a {allowed[k].__name__ if allowed[k] is not bool else 'boolean'}")
               for k, v in body.items() if k in allowed and v is not None and type(v) is not allowed[k]]
    if errors:
        raise InputError(errors)
    return body


def _upgrade(call: Call, vch: VchSummary, isos, claimed=None) -> tuple[dict, int, dict]:
    body = _body({k: bool for k in UPGRADE_FIELDS})
    privileges.require(call.session, vch.vm, UPGRADE_PRIVILEGES, "upgrade a VCH", vch.name)
    session = call.session
    timeout = current_app.config["CREATE_TIMEOUT"]

    def work(sink, cancel_event):
        return upgrade(session, vch, isos=isos, timeout=timeout, sink=sink, cancel_event=cancel_event,
                       rollback=bool(body.get("rollback")), reset_progress=bool(body.get("reset_progress")),
                       force=bool(body.get("force"))).to_dict()

    op = operations().start("upgrade", f"{call.target_key}/{vch.id}", call.target_key, session, vch.vm, work,
                            claim=claimed)
    return accepted(op)


def _debug(call: Call, vch: VchSummary) -> tuple[dict, int]:
    body = _body(DEBUG_FIELDS)
    privileges.require(call.session, vch.vm, DEBUG_PRIVILEGES, "debug a VCH", vch.name)
    result = debug(call.session, vch, enable_ssh=bool(body.get("enable_ssh")),
                   authorized_key=body.get("authorized_key"), root_password=body.get("root_password"))
    return jsonify(result.to_dict()), 200


def _act(target: str, vch_id: str, datacenter: str = ""):
    action = request.args.get("action", "")
    if action not in ACTIONS:
        # vic-machine-server's answer to an unknown action is 400.
        raise ApiError(400, f"Unknown action {action!r}: action must be one of {', '.join(ACTIONS)}",
                       code="invalid_input")
    # The ISOs are read first: without them there is nothing to upgrade to (and ls needs them for the status).
    isos = installed_isos() if action == "upgrade" else None
    call = call_for(target, datacenter)
    # Claimed before anything is read, so an upgrade racing another operation on the VCH is 409 at once.
    claimed = claim(f"{call.target_key}/{vch_id.split(':', 1)[-1]}") if action == "upgrade" else None
    vch = find_vch(call.session, vch_id=vch_id, datacenter=datacenter, iso=isos.appliance if isos else None)
    if action == "upgrade":
        return _upgrade(call, vch, isos, claimed)
    return _debug(call, vch)


def _routes(prefix: str, name: str) -> None:
    """With and without ``/datacenter/<datacenter>``; GET and DELETE of the same path live in ``vch.py``."""

    @blp.route(f"{prefix}/vch/<vch_id>", endpoint=f"{name}VchAction", methods=["POST"])
    class VchAction(MethodView):
        @blp.arguments(args.ActionArgs, location="query", as_kwargs=True)
        @blp.arguments(models.Action_Body, required=False)
        @blp.response(202, models.Operation, description="upgrade: the operation")
        @blp.alt_response(200, schema=models.Debugged, description="debug: what was done")
        def post(self, _body, target, vch_id, datacenter="", **_):
            """Upgrade (202, an operation) or debug (200) a VCH: ``?action=upgrade|debug``."""
            return _act(target, vch_id, datacenter)


_routes("", "")
_routes("/datacenter/<datacenter>", "Dc")
