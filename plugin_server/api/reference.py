"""``GET /container/api``: a readable API reference rendered from our OpenAPI document, with no CDN (vCenters
are often air-gapped, so the usual Swagger UI or ReDoc pages, which load from a CDN, would show nothing).

Every operation with its parameters, request body and answers, then every model with its fields; a model's name
links to it. What vic-machine-server 1.5.8 does not have is marked "ours".
"""

from __future__ import annotations

import copy

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from markupsafe import Markup, escape

from plugin_server.security import content_security_policy, style_hash

blp = Blueprint("reference", __name__, url_prefix="/container", description="API reference")

_STYLE = """body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%;margin:.3em 0 1em}td,th{border-bottom:1px solid #ddd;padding:.3em .6em;
text-align:left;vertical-align:top}code{font-size:13px}h3{margin:1.6em 0 .2em;font-size:15px}
.m{font-weight:600;text-transform:uppercase}.ours{color:#6b4c00;font-size:12px;margin-left:.5em}
.c{color:#555}"""
_CONSTRAINTS = ("enum", "pattern", "format", "minimum", "maximum", "minProperties", "maxProperties", "default",
                "readOnly", "writeOnly")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(schema: dict) -> Markup:
    """A schema's type, a model name linking to it, or ``array of …``."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return Markup(f"<a href=#model-{escape(name)}>{escape(name)}</a>")
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _type(schema["allOf"][0])
    if schema.get("type") == "array":
        return Markup("array of ") + _type(schema.get("items", {}))
    return escape(schema.get("type", "any"))


def _ours(schema: dict) -> Markup:
    return Markup("<span class=ours>ours</span>") if schema.get("x-vic-plugin") else Markup("")


def _constraints(schema: dict) -> str:
    return "; ".join(f"{key}: {schema[key]}" for key in _CONSTRAINTS if key in schema)


def _content(content: dict) -> Markup:
    parts = [Markup(f"<code>{escape(kind)}</code> ") + _type(media.get("schema", {}))
             for kind, media in content.items()]
    return Markup(", ").join(parts)


def _operation(path: str, method: str, op: dict) -> str:
    head = (f"<h3><span class=m>{escape(method)}</span> <code>{escape(path)}</code></h3>"
            f"<p>{escape(op.get('summary', '') or op.get('description', ''))}</p>")
    rows = [f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
            f"<td>{_type(p.get('schema', {}))}</td><td>{'required' if p.get('required') else ''}</td>"
            f"<td>{escape(p.get('description', ''))}</td></tr>" for p in op.get("parameters", [])]
    body = op.get("requestBody")
    if body:
        rows.append(f"<tr><td>body</td><td></td><td>{_content(body.get('content', {}))}</td>"
                    f"<td>{'required' if body.get('required') else ''}</td>"
                    f"<td>{escape(body.get('description', ''))}</td></tr>")
    answers = [f"<tr><td>{escape(code)}</td><td>{escape(answer.get('description', ''))}</td>"
               f"<td>{_content(answer.get('content', {}))}</td></tr>"
               for code, answer in sorted(op.get("responses", {}).items()) if isinstance(answer, dict)]
    out = head
    if rows:
        out += "<table><tr><th>Input</th><th>In</th><th>Type</th><th></th><th>What it is</th></tr>" + "".join(rows)
        out += "</table>"
    return out + "<table><tr><th>Answer</th><th>When</th><th>Body</th></tr>" + "".join(answers) + "</table>"


def _model(name: str, schema: dict) -> str:
    rows = [f"<tr><td><code>{escape(field)}</code>{_ours(prop)}</td><td>{_type(prop)}</td>"
            f"<td>{escape(prop.get('description', ''))} <span class=c>{escape(_constraints(prop))}</span></td></tr>"
            for field, prop in schema.get("properties", {}).items()]
    note = _constraints(schema)
    return (f"<h3 id=model-{escape(name)}>{escape(name)}{_ours(schema)}</h3><p>{escape(schema.get('description', ''))}"
            f" <span class=c>{escape(note)}</span></p><table><tr><th>Field</th><th>Type</th><th>What it is</th></tr>"
            + "".join(rows) + "</table>")


def _response_refs(spec: dict) -> None:
    """Answers given by reference (``#/components/responses/…``) written out, so the page shows their body."""
    shared = spec.get("components", {}).get("responses", {})
    for item in spec.get("paths", {}).values():
        for method, op in item.items():
            if method == "parameters":
                continue
            for code, answer in list(op.get("responses", {}).items()):
                if "$ref" in answer:
                    op["responses"][code] = shared.get(_ref_name(answer["$ref"]), {})


def render(spec: dict) -> str:
    info = spec.get("info", {})
    _response_refs(spec)
    operations = [_operation(path, method, op) for path, item in sorted(spec.get("paths", {}).items())
                  for method, op in item.items() if method != "parameters"]
    models = [_model(name, schema) for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items())]
    schemes = ", ".join(f"{name} ({s.get('type')}{', header ' + s['name'] if s.get('in') == 'header' else ''})"
                        for name, s in spec.get("components", {}).get("securitySchemes", {}).items())
    title = escape(info.get("title", ""))
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>{title} API</title><style>{_STYLE}</style>"
            f"<h1>{title} API {escape(info.get('version', ''))}</h1>"
            "<p>The machine-readable document: <a href=openapi.json>openapi.json</a> (OpenAPI 3). The paths and "
            "models of vic-machine-server 1.5.8, with ours beside them (marked ours). Errors answer "
            "<code>{\"message\", \"code\", \"errors\"}</code>. Credentials: "
            f"{escape(schemes)}.</p><h2>Operations</h2>" + "".join(operations)
            + "<h2>Models</h2>" + "".join(models) + "</html>")


@blp.route("/api")
class Reference(MethodView):
    @blp.doc(security=[])
    @blp.response(200, {"type": "string"}, content_type="text/html")
    def get(self):
        """This page: every operation with its input and answers, and every model."""
        spec = copy.deepcopy(current_app.extensions["vic_api"].spec.to_dict())
        response = Response(render(spec), mimetype="text/html")
        # The page's one inline <style>, allowed by its hash and nothing else inline.
        response.headers["Content-Security-Policy"] = content_security_policy(styles=(style_hash(_STYLE),))
        return response
