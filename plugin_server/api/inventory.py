"""``GET …/inventory``: what a VCH can use in a datacenter, for the wizard."""

from flask.views import MethodView

from plugin_server.api import args, models
from plugin_server.api.common import call_for
from plugin_server.coalesce import session_key, shared_json
from vic_machine.inventory import take_snapshot

blp = args.ApiBlueprint("inventory", __name__, url_prefix="/container/target/<target>",
                        description="Inventory a VCH can use")


def _snapshot(target: str, datacenter: str = ""):
    call = call_for(target, datacenter)
    # Concurrent identical reads of one session share one read of vCenter (plugin_server.coalesce).
    return shared_json(("inventory", session_key(call.session), target, datacenter), models.Inventory,
                       lambda: take_snapshot(call.session, datacenter).to_json())


@blp.route("/inventory")
class Inventory(MethodView):
    @blp.arguments(args.TargetArgs, location="query", as_kwargs=True)
    @blp.response(200, models.Inventory)
    def get(self, target, **_):
        """Compute tree, hosts, datastores and networks of the target's only (or first named) datacenter."""
        return _snapshot(target)


@blp.route("/datacenter/<datacenter>/inventory")
class DatacenterInventory(MethodView):
    @blp.arguments(args.TargetArgs, location="query", as_kwargs=True)
    @blp.response(200, models.Inventory)
    def get(self, target, datacenter, **_):
        """Compute tree, hosts, datastores and networks of one datacenter (name or managed object id)."""
        return _snapshot(target, datacenter)
