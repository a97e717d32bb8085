"""``GET|POST /container/target/{target}[/datacenter/{dc}]``: the hosts' firewall for VCHs, in 1.5.8's Target
shape (``firewall``: per host, whether it lets VCHs out), our detail per host (the ruleset: vic-engine, or vSPC on
hosts before vSphere 6.7) under ``vic_plugin``.

``POST ?action=firewall:allow|deny`` answers 204 as 1.5.8's document says; with ``Prefer: return=representation``
200 with what was done on each host.
"""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from pyVmomi import vim

from plugin_server import privileges
from plugin_server.api import args, models, prefer
from plugin_server.api.common import call_for
from plugin_server.errors import ApiError
from vic_machine.errors import FieldError, InputError
from vic_machine.inventory import take_snapshot
from vic_machine.operations.firewall import RULESET, RULESETS, firewall_hosts, ruleset_for, update_firewall

blp = args.ApiBlueprint("target", __name__, url_prefix="/container/target", description="Target settings")

ACTIONS = {"firewall:allow": True, "firewall:deny": False}


def _state(target: str, datacenter: str) -> dict:
    compute = request.args.get("compute-resource", "")
    inventory = take_snapshot(call_for(target, datacenter).session, datacenter)
    nodes = inventory.find_compute(compute) if compute else list(inventory.compute_nodes())
    if compute and not nodes:
        raise InputError(FieldError("compute-resource", f"{compute!r} is not a compute resource of datacenter "
                                                        f"{inventory.datacenter}"))
    ids = {h for n in nodes for h in n.hosts}
    hosts = [h for h in inventory.hosts if h.id in ids]
    return {
        "firewall": [{"target": h.name, "in_supported_state": h.firewall_allows_outgoing
                      or any(h.firewall_rulesets.get(r) for r in RULESETS)} for h in hosts],
        # A host without vic-engine (vSphere before 6.7) is opened through vSPC: report the one that counts.
        "vic_plugin": {"hosts": [{"host": h.name, "ruleset": ruleset_for(h) or RULESET,
                                  "enabled": bool(h.firewall_rulesets.get(ruleset_for(h) or RULESET))}
                                 for h in hosts]}}


def _change(target: str, datacenter: str):
    action = request.args.get("action", "")
    if action not in ACTIONS:
        raise ApiError(400, f"Unknown action {action!r}: use firewall:allow or firewall:deny", code="invalid_action")
    call = call_for(target, datacenter)
    allow = ACTIONS[action]
    inventory = take_snapshot(call.session, datacenter)
    compute = request.args.get("compute-resource", "")
    # Host.Config.NetService on every host it would change, asked once, before any host is changed.
    hosts = {h.name: vim.HostSystem(h.id, call.session.stub) for h in firewall_hosts(inventory, compute)}
    privileges.require_each(call.session, hosts, privileges.FIREWALL, "change the hosts' firewall")
    results = update_firewall(call.session, inventory, compute, allow)
    if not prefer.wants(prefer.REPRESENTATION):
        return "", 204
    body = {"firewall": [{"target": r.host, "in_supported_state": r.ok == allow} for r in results],
            "vic_plugin": {"hosts": [r.to_dict() for r in results]}}
    return body, 200, prefer.applied(prefer.REPRESENTATION)


def _views(name: str) -> type[MethodView]:
    class View(MethodView):
        @blp.arguments(args.ListArgs, location="query", as_kwargs=True)
        @blp.response(200, models.Target)
        def get(self, target, datacenter="", **_):
            """Whether each host's firewall lets VCHs out (1.5.8's Target); ``?compute-resource=`` narrows."""
            return _state(target, datacenter)

        @blp.arguments(args.FirewallArgs, location="query", as_kwargs=True)
        @blp.arguments(args.PreferHeader, location="headers", as_kwargs=True)
        @blp.response(204, description="Done (1.5.8)")
        @blp.alt_response(200, schema=models.Target, description="Prefer: return=representation: what was done")
        def post(self, target, datacenter="", **_):
            """``?action=firewall:allow|deny[&compute-resource=…]``: enable or disable the ruleset on each host."""
            answer = _change(target, datacenter)
            if answer[1] == 204:
                return answer
            return models.Target().dump(answer[0]), 200, answer[2]

    View.__name__ = name
    return View


blp.route("/<target>")(_views("Target"))
blp.route("/<target>/datacenter/<datacenter>")(_views("DatacenterTarget"))
