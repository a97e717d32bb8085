"""``POST …/vch/validate``: findings for a VCH specification, optionally for one wizard step."""

from flask import request
from flask.views import MethodView

from plugin_server import privileges
from plugin_server.api import args, models
from plugin_server.api.common import call_for
from plugin_server.errors import ApiError
from vic_machine import spec as vch_spec
from vic_machine.inventory import take_snapshot
from vic_machine.spec.fields import step_of
from vic_machine.validate import STEPS, has_errors, validate
from vic_machine.validate.context import Context
from vic_machine.validate.findings import warning
from vic_machine.validate.probes import probes_skipped
from vic_machine.vsphere.datacenter import find_datacenter

blp = args.ApiBlueprint("validate", __name__, url_prefix="/container/target/<target>",
                        description="Validate a VCH specification")


def _validate(target: str, datacenter: str = ""):
    step = request.args.get("step") or None
    if step is not None and step not in STEPS and step not in ("summary",):
        raise ApiError(400, f"Unknown wizard step {step!r}: use one of {', '.join(STEPS)}", code="invalid_step")
    spec, ignored = vch_spec.load_lenient(request.get_json(silent=True) or {})
    call = call_for(target, datacenter)
    inventory = take_snapshot(call.session, datacenter)
    step = step if step != "summary" else None
    # The checks that reach out (registries, the operations user's login) run only for users allowed to
    # create VCHs here: for anyone else this server is no probe of other machines, nor a password oracle.
    lacking = privileges.missing(call.session, find_datacenter(call.session, datacenter), privileges.CREATE,
                                 "create a VCH")
    findings = validate(spec, inventory, session=call.session, step=step, probes=not lacking,
                        target_display=call.target.display)
    if lacking:
        findings += probes_skipped(Context(spec, inventory, target_display=call.target.display), step,
                                   f"{call.session.user} may not create VCHs in {inventory.datacenter} "
                                   f"(missing {', '.join(lacking)})")
    # As create: fields the model does not have are ignored, and said so.
    findings += [warning("input.unknown", path, step_of(path), f"{path} is not a field of the VCH model: ignored")
                 for path in ignored]
    return {"valid": not has_errors(findings), "findings": [f.to_dict() for f in findings]}


def _view(name: str) -> type[MethodView]:
    class View(MethodView):
        @blp.arguments(args.StepArgs, location="query", as_kwargs=True)
        @blp.arguments(models.model_schema(), description="The VCH model to check")
        @blp.response(200, models.Validation)
        def post(self, _body, target, datacenter="", **_):
            """Ours: check a VCH model against vCenter, ``?step=`` limiting it to one wizard step's fields."""
            return _validate(target, datacenter)

    View.__name__ = name
    return View


blp.route("/vch/validate")(_view("Validate"))
blp.route("/datacenter/<datacenter>/vch/validate")(_view("DatacenterValidate"))
