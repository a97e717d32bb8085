"""``GET /container/api``: a readable API reference rendered from our OpenAPI document, with no CDN (vCenters
are often air-gapped, so the usual Swagger UI or ReDoc pages, which load from a CDN, would show nothing)."""

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from markupsafe import escape

from plugin_server.security import content_security_policy, style_hash

blp = Blueprint("reference", __name__, url_prefix="/container", description="API reference")

_STYLE = """body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em .6em;text-align:left;
vertical-align:top}code{font-size:13px}.m{font-weight:600;text-transform:uppercase;width:5em}"""


def _rows(spec: dict) -> list[str]:
    rows = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method, op in item.items():
            if method == "parameters":
                continue
            summary = op.get("summary", "") or op.get("description", "")
            codes = ", ".join(sorted(op.get("responses", {})))
            rows.append(f"<tr><td class=m>{escape(method)}</td><td><code>{escape(path)}</code></td>"
                        f"<td>{escape(summary)}</td><td>{escape(codes)}</td></tr>")
    return rows


@blp.route("/api")
class Reference(MethodView):
    @blp.response(200, content_type="text/html")
    def get(self):
        """This page: every endpoint, what it does and the status codes it answers."""
        spec = current_app.extensions["vic_api"].spec.to_dict()
        info = spec.get("info", {})
        body = (f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(info.get('title', ''))} API</title>"
                f"<style>{_STYLE}</style><h1>{escape(info.get('title', ''))} API {escape(info.get('version', ''))}"
                "</h1><p>The machine-readable document: <a href=openapi.json>openapi.json</a> (OpenAPI 3). "
                "Errors answer <code>{\"message\", \"code\", \"errors\"}</code>.</p>"
                "<table><tr><th>Method</th><th>Path</th><th>What it does</th><th>Answers</th></tr>"
                + "".join(_rows(spec)) + "</table></html>")
        response = Response(body, mimetype="text/html")
        # The page's one inline <style>, allowed by its hash and nothing else inline.
        response.headers["Content-Security-Policy"] = content_security_policy(styles=(style_hash(_STYLE),))
        return response
