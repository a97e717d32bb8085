"""Issue 13: the API's whole route table, anonymously. Every route that touches vCenter, a VCH or an operation
answers 401 (or 400 for a malformed request) without credentials — never 2xx — and only the documented public
routes (liveness, version, manifest, views, wizard, API reference, the create-command preview) answer 2xx.
The same sweep as a ReadOnly user belongs with the per-route privilege checks (issue 13, finding 2)."""

from __future__ import annotations

import re

import pytest

from tests.api_support import make_app

PUBLIC = {"/container/hello", "/container/version", "/container/wizard", "/container/api",
          "/container/openapi.json", "/plugin.json", "/api/about", "/api/create-command",
          "/ui/", "/ui/icons.svg", "/ui/vendor/<name>", "/ui/<path:path>", "/static/<path:filename>"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.rule, method


@pytest.fixture(scope="module")
def app(sim):
    return make_app(sim)


def _fill(rule: str, sim) -> str:
    values = {"target": f"{sim.host}:{sim.port}", "datacenter": "DC0", "vch_id": "vm-1",
              "op_id": f"task-ext-1@{sim.host}:{sim.port}~nonce", "name": "clr-ui.min.css", "path": "index.html",
              "filename": "x"}
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m[1]], rule)


def test_no_route_touching_vcenter_answers_anonymously(app, sim):
    client = app.test_client()
    seen = 0
    for rule, method in _routes(app):
        path = _fill(rule, sim)
        kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH", "DELETE") else {}
        r = client.open(path, method=method, **kwargs)
        if rule in PUBLIC:
            continue
        seen += 1
        assert r.status_code >= 400 and r.status_code != 500, (method, rule, r.status_code, r.get_data()[:200])
        # The vCenter-facing reads ask for credentials first (writes may refuse a bad body before that).
        if method == "GET" and ("<target>" in rule or "operations" in rule or rule == "/api/targets"):
            assert r.status_code == 401, (method, rule, r.status_code, r.get_json())
    assert seen > 30
