"""Checking answers against our OpenAPI document's models, as a client generated from it would read them."""

from __future__ import annotations

import copy

import jsonschema_rs


def document(app) -> dict:
    return app.test_client().get("/container/openapi.json").json


def _json_schema(node):
    """OpenAPI 3.0's ``nullable`` as JSON Schema says it."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def violations(doc: dict, model: str, instance) -> list[str]:
    """What in ``instance`` breaks the document's model ``model`` (empty when it conforms)."""
    schema = {"$ref": f"#/components/schemas/{model}", "components": _json_schema(copy.deepcopy(doc["components"]))}
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message}"
            for e in jsonschema_rs.Draft4Validator(schema).iter_errors(instance)]
