"""``GET|POST /container/target/{target}?action=firewall:allow|deny``: the hosts' VIC firewall ruleset
(vic-engine, or vSPC on hosts before vSphere 6.7)."""

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_server.api.common import call_for
from plugin_server.errors import ApiError
from vic_machine.inventory import take_snapshot
from vic_machine.operations.firewall import RULESET, ruleset_for, update_firewall

blp = Blueprint("target", __name__, url_prefix="/container/target", description="Target settings")

ACTIONS = {"firewall:allow": True, "firewall:deny": False}


def _firewall(target: str, datacenter: str = ""):
    action = request.args.get("action", "")
    compute = request.args.get("compute-resource", "")
    call = call_for(target, datacenter)
    inventory = take_snapshot(call.session, datacenter)
    if request.method == "GET" and not action:
        nodes = inventory.find_compute(compute) if compute else list(inventory.compute_nodes())
        ids = {h for n in nodes for h in n.hosts}
        # A host without vic-engine (vSphere before 6.7) is opened through vSPC: report the one that counts.
        return {"hosts": [{"host": h.name, "ruleset": ruleset_for(h) or RULESET,
                           "enabled": bool(h.firewall_rulesets.get(ruleset_for(h) or RULESET))}
                          for h in inventory.hosts if h.id in ids]}
    if action not in ACTIONS:
        raise ApiError(400, f"Unknown action {action!r}: use firewall:allow or firewall:deny", code="invalid_action")
    results = update_firewall(call.session, inventory, compute, ACTIONS[action])
    return {"hosts": [r.to_dict() for r in results]}


@blp.route("/<target>")
class Target(MethodView):
    @blp.response(200)
    def get(self, target):
        """The vic-engine ruleset state on every host (``?compute-resource=`` to narrow); with ``?action=`` as POST."""
        return _firewall(target)

    @blp.response(200)
    def post(self, target):
        """``?action=firewall:allow|deny[&compute-resource=…]``: enable or disable the ruleset, per host."""
        return _firewall(target)


@blp.route("/<target>/datacenter/<datacenter>")
class DatacenterTarget(MethodView):
    @blp.response(200)
    def get(self, target, datacenter):
        """As above, in one datacenter."""
        return _firewall(target, datacenter)

    @blp.response(200)
    def post(self, target, datacenter):
        """As above, in one datacenter."""
        return _firewall(target, datacenter)
