"""``GET /container/wizard``: the Create VCH wizard's steps and fields, as the core describes them."""

from flask.views import MethodView
from flask_smorest import Blueprint

from plugin_server.api import models
from vic_machine.spec import wizard_description

blp = Blueprint("wizard", __name__, url_prefix="/container", description="Create VCH wizard description")


@blp.route("/wizard")
class Wizard(MethodView):
    @blp.doc(security=[])
    @blp.response(200, models.Wizard)
    def get(self):
        """The wizard's steps in order, each with its fields (label, help, default, limits)."""
        return wizard_description()
