"""The OpenAPI document describes every request and answer (issue 12, item 4): bodies, answers, path and query
parameters, headers and the security schemes; 1.5.8's models under their names; the reference page renders it."""

from __future__ import annotations

import pytest

from plugin_server.app import create_app
from tests.openapi_support import document

WRITES = ("post", "put", "patch")
# Answers without a body: 1.5.8's 204 for a firewall change, the 501 of its metadata resource.
NO_BODY = {"204", "501"}


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True})


@pytest.fixture(scope="module")
def doc(app):
    return document(app)


def _operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method != "parameters":
                yield path, method, op


def test_every_answer_has_its_schema(doc):
    for path, method, op in _operations(doc):
        responses = op["responses"]
        assert "default" in responses, (method, path)
        for code, answer in responses.items():
            if code in NO_BODY or "$ref" in answer:
                continue
            content = answer.get("content")
            assert content, (method, path, code)
            for media in content.values():
                assert media.get("schema"), (method, path, code)
                schema = media["schema"]
                assert "$ref" in schema or schema.get("type"), (method, path, code, schema)


def test_every_body_is_described(doc):
    for path, method, op in _operations(doc):
        # A firewall change (POST on the target) has no body, as in 1.5.8.
        if method in WRITES and not path.endswith(("/container/target/{target}", "/datacenter/{datacenter}")):
            assert op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"), (
                method, path)
    create = doc["paths"]["/container/target/{target}/datacenter/{datacenter}/vch"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/VCH"}
    delete = doc["paths"]["/container/target/{target}/vch/{vch_id}"]["delete"]
    assert delete["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("Deletion_Specification")


def test_parameters_and_headers(doc):
    for path, method, op in _operations(doc):
        names = {(p["in"], p["name"]) for p in op.get("parameters", [])}
        if path.startswith("/container/target/"):
            assert ("query", "thumbprint") in names, (method, path)
    for path in ("/container/target/{target}/vch", "/container/target/{target}/datacenter/{datacenter}/vch",
                 "/container/target/{target}"):
        names = {(p["in"], p["name"]) for p in doc["paths"][path]["get"]["parameters"]}
        assert ("query", "compute-resource") in names
    create = doc["paths"]["/container/target/{target}/vch"]["post"]
    assert ("header", "Prefer") in {(p["in"], p["name"]) for p in create["parameters"]}
    path_params = {p["name"] for p in doc["paths"]["/container/target/{target}/vch/{vch_id}"].get("parameters", [])}
    assert {"target", "vch_id"} <= path_params


def test_security_schemes_as_1_5_8_and_ours(doc):
    schemes = doc["components"]["securitySchemes"]
    assert schemes["basic"] == {"type": "http", "scheme": "basic"}
    assert schemes["session"] == {"type": "apiKey", "in": "header", "name": "X-VMWARE-TICKET"}
    assert schemes["token"]["name"] == "vmware-api-session-id" and schemes["token"]["x-vic-plugin"] is True
    assert {next(iter(s)) for s in doc["security"]} == {"basic", "session", "token"}
    for path in ("/container/hello", "/container/version", "/container/wizard", "/container/api", "/plugin.json"):
        assert doc["paths"][path]["get"]["security"] == [], path


def test_1_5_8_models_under_their_names(doc):
    schemas = doc["components"]["schemas"]
    for name in ("VCH", "VCH_List_Item", "Managed_Object", "Value_Hertz", "Value_Bytes", "Value_Bytes_Metric",
                 "Value_Bits", "Shares", "X509_Data", "Gateway", "Network", "Container_Network", "Target",
                 "Deletion_Specification", "Error"):
        assert name in schemas, name
    assert (schemas["Managed_Object"]["minProperties"], schemas["Managed_Object"]["maxProperties"]) == (1, 1)
    vch = schemas["VCH"]["properties"]
    assert {"version", "name", "debug", "compute", "network", "storage", "auth", "endpoint", "registry", "runtime",
            "syslog_addr", "container"} <= set(vch)
    assert vch["vic_plugin"]["x-vic-plugin"] is True and vch["vic_plugin"]["readOnly"] is True
    storage = schemas["VCH_Storage"]["properties"]
    assert storage["storage_quota"]["x-vic-plugin"] is True and "x-vic-plugin" not in storage["image_stores"]
    assert "KB" in schemas["Value_Bytes_Metric"]["properties"]["units"]["enum"]


def test_reference_page_renders_operations_and_models(app):
    page = app.test_client().get("/container/api").get_data(as_text=True)
    assert "<h3 id=model-VCH>VCH" in page and "<a href=#model-Managed_Object>Managed_Object</a>" in page
    assert "compute-resource" in page and "Prefer" in page and "X-VMWARE-TICKET" in page
    assert "storage_quota</code><span class=ours>ours</span>" in page
    assert "http://" not in page and "https://" not in page
