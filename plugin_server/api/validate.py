"""``POST …/vch/validate``: findings for a VCH specification, optionally for one wizard step."""

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_server.api.common import call_for
from plugin_server.errors import ApiError
from vic_machine import spec as vch_spec
from vic_machine.inventory import take_snapshot
from vic_machine.validate import STEPS, has_errors, validate

blp = Blueprint("validate", __name__, url_prefix="/container/target/<target>",
                description="Validate a VCH specification")


def _validate(target: str, datacenter: str = ""):
    step = request.args.get("step") or None
    if step is not None and step not in STEPS and step not in ("summary",):
        raise ApiError(400, f"Unknown wizard step {step!r}: use one of {', '.join(STEPS)}", code="invalid_step")
    spec = vch_spec.load(request.get_json(silent=True) or {})
    call = call_for(target, datacenter)
    inventory = take_snapshot(call.session, datacenter)
    findings = validate(spec, inventory, session=call.session, step=step if step != "summary" else None,
                        target_display=call.target.display)
    return {"valid": not has_errors(findings), "findings": [f.to_dict() for f in findings]}


@blp.route("/vch/validate")
class Validate(MethodView):
    @blp.response(200)
    def post(self, target):
        """Check a VCH specification (the VCH model's JSON) against vCenter; ?step= limits to one wizard step."""
        return _validate(target)


@blp.route("/datacenter/<datacenter>/vch/validate")
class DatacenterValidate(MethodView):
    @blp.response(200)
    def post(self, target, datacenter):
        """Check a VCH specification against one datacenter."""
        return _validate(target, datacenter)
