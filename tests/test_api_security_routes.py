"""Issue 13: the API's whole route table, anonymously and as a ReadOnly user.

Anonymously, every route that touches vCenter, a VCH or an operation answers 401 (or 400 for a malformed request)
— never 2xx — and only the documented public routes (liveness, version, manifest, views, wizard, API reference,
the create-command preview) answer 2xx.

As a ReadOnly user (finding 2), against a real TLS VCH and an operation another user started, with bodies that
would work for an administrator: no route that changes vCenter or reveals a secret (the client bundle holds
key.pem; another user's operation) answers 2xx, each refusal is 403 naming the privilege, and afterwards vCenter
is as it was. The README's API section lists every route's privilege.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyVmomi import vim

from sim.appliance import ApplianceStandIn
from sim.isos import ensure_isos
from tests.api_support import RESPOND_ASYNC, basic, make_app, sse_events
from tests.support import session_for
from tests.vch_support import allow_vic_engine, inventory_state
from tests.vch_support import vch_spec as make_spec
from vic_machine import spec as vch_spec
from vic_machine.vsphere.collector import retrieve

ROOT = Path(__file__).resolve().parent.parent

PUBLIC = {"/container/hello", "/container/version", "/container/health", "/container/wizard", "/container/api",
          "/container/openapi.json", "/plugin.json", "/plugin-multi-manifest.zip", "/plugin-80.json",
          "/plugin-70u2.json", "/api/about", "/api/create-command",
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


# --- as a ReadOnly user (finding 2) ---------------------------------------------------------------------------

READ_ONLY, ADMIN = -2, -1
VIEWER = ("viewer", "view-pw")
DEPUTY = ("deputy", "deputy-pw")
# Routes that read and reveal nothing secret: a ReadOnly user may get 2xx (reads of what vCenter lets it see).
READS = {
    ("GET", "/container"), ("GET", "/container/"), ("GET", "/api/targets"), ("POST", "/api/dynamic-items/vm/actions"), ("POST", "/api/dynamic-items/vm/summary"),
    ("GET", "/container/target/<target>"), ("GET", "/container/target/<target>/datacenter/<datacenter>"),
    ("GET", "/container/target/<target>/inventory"),
    ("GET", "/container/target/<target>/datacenter/<datacenter>/inventory"),
}
for _prefix in ("/container/target/<target>", "/container/target/<target>/datacenter/<datacenter>"):
    READS |= {("GET", f"{_prefix}/vch"), ("GET", f"{_prefix}/vch/<vch_id>"), ("GET", f"{_prefix}/containers"),
              ("GET", f"{_prefix}/vch/<vch_id>/certificate"), ("GET", f"{_prefix}/vch/<vch_id>/containers"),
              ("GET", f"{_prefix}/vch/<vch_id>/spec"), ("GET", f"{_prefix}/vch/<vch_id>/log"),
              ("POST", f"{_prefix}/vch/validate")}
PRIVILEGE = re.compile(r"\b(?:System|VirtualMachine|Resource|Datastore|Host|Folder|Network|Task)\.[A-Za-z.]+")


@pytest.fixture(scope="module")
def world(start_sim):
    """A simulator with a ReadOnly viewer and an Admin deputy, and a TLS VCH the administrator created through
    the API (so its client bundle is kept): (sim, app, VCH id, the create's operation id)."""
    sim = start_sim(users=dict([VIEWER, DEPUTY]))
    session = session_for(sim)
    allow_vic_engine(session)
    authz = session.content.authorizationManager
    for (user, _), role in ((VIEWER, READ_ONLY), (DEPUTY, ADMIN)):
        authz.SetEntityPermissions(entity=session.content.rootFolder, permission=[
            vim.AuthorizationManager.Permission(principal=user, group=False, roleId=role, propagate=True)])
    isos = ensure_isos(ROOT / "build" / "test-isos")[0].parent
    with ApplianceStandIn.for_simulator(sim, boot_delay=0.1):
        app = make_app(sim, CREATE_TIMEOUT=30, ISO_DIR=str(isos))
        client = app.test_client()
        auth = basic(sim.username, sim.password)
        r = client.post(f"/container/target/{sim.host}:{sim.port}/vch", json=vch_spec.dump(make_spec("sweep-vch")),
                        headers={**auth, **RESPOND_ASYNC})
        assert r.status_code == 202, r.json
        _, final = sse_events(client, r.json["id"], auth)[-1]
        assert final["state"] == "success", final
        yield sim, app, session, final["result"]["id"], r.json["id"]
    session.logout()


def _body(method: str, rule: str, suffix: str):
    """A body an administrator's request would succeed with."""
    if rule.endswith("/vch") and method == "POST" or rule.endswith("/vch/validate"):
        return vch_spec.dump(make_spec("sweep-other"))
    if method in ("PUT", "PATCH"):
        return {"syslog_addr": "udp://192.0.2.10:514"}
    if rule.startswith("/api/dynamic-items"):
        return {"objectIds": []}
    if suffix == "?action=debug":
        return {"enable_ssh": True}
    if method in ("POST", "DELETE"):
        return {}
    return None


def _state(session) -> dict:
    firewalls = retrieve(session.content, session.content.rootFolder,
                         {vim.HostSystem: ["configManager.firewallSystem"]})
    rulesets = {h._moId: sorted((r.key, r.enabled) for r in p["configManager.firewallSystem"].firewallInfo.ruleset)
                for h, p in firewalls.items()}
    return {"inventory": inventory_state(session), "firewalls": rulesets}


def test_read_only_user_changes_nothing_and_reads_no_secret(world):
    sim, app, session, vch_id, op_id = world
    client = app.test_client()
    viewer = basic(*VIEWER)
    before = _state(session)
    values = {"target": f"{sim.host}:{sim.port}", "datacenter": "DC0", "vch_id": vch_id, "op_id": op_id,
              "name": "clr-ui.min.css", "path": "index.html", "filename": "x"}
    seen = set()
    for rule, method in _routes(app):
        if rule in PUBLIC:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m[1]], rule)
        suffixes = [""]
        if method == "POST" and rule.rstrip("/").endswith(("/container/target/<target>", "<datacenter>")):
            suffixes = [f"?action=firewall:{a}&compute-resource=DC0_C0" for a in ("allow", "deny")]
        elif method == "POST" and rule.endswith("/vch/<vch_id>"):
            suffixes = ["?action=upgrade", "?action=debug"]
        for suffix in suffixes:
            body = _body(method, rule, suffix)
            r = client.open(path + suffix, method=method, headers=viewer,
                            **({"json": body} if body is not None else {}))
            seen.add((method, rule))
            if (method, rule) in READS:
                assert r.status_code != 500, (method, rule, r.status_code, r.get_data()[:300])
                continue
            # A change of vCenter, a secret, or another user's operation: refused, naming the privilege.
            assert r.status_code == 403, (method, rule + suffix, r.status_code, r.get_data()[:300])
            assert PRIVILEGE.search(r.json["message"]), (method, rule + suffix, r.json["message"])
    assert len(seen) > 30
    assert _state(session) == before


def test_bundle_needs_the_privileges_to_reconfigure(world):
    sim, app, _, vch_id, _ = world
    client = app.test_client()
    path = f"/container/target/{sim.host}:{sim.port}/vch/{vch_id}/certificate-bundle"
    r = client.get(path, headers=basic(*VIEWER))
    assert r.status_code == 403 and "VirtualMachine.Config.AdvancedConfig" in r.json["message"], r.get_data()[:300]
    assert b"PRIVATE KEY" not in r.get_data()
    # Who may reconfigure the VCH may have its bundle.
    r = client.get(path, headers=basic(*DEPUTY))
    assert r.status_code == 200 and r.mimetype == "application/zip"


def _readme_key(rule: str) -> str:
    """A route as the README's table writes it: ``…`` for ``/container/target/{vCenter}[/datacenter/{dc}]``."""
    for prefix in ("/container/target/<target>/datacenter/<datacenter>", "/container/target/<target>"):
        if rule.startswith(prefix):
            rule = "…" + rule[len(prefix):]
            break
    return rule.replace("<vch_id>", "{id}").replace("<op_id>", "{op}")


def test_readme_lists_the_privilege_of_every_route(world):
    _, app, *_ = world
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Who may call what", 1)[1].split("\n#", 1)[0]
    listed = {}
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) == 3 and cells[1].startswith("`"):
            for method in cells[0].split(", "):
                listed[(method, cells[1].strip("`"))] = cells[2]
    routes = {(m, _readme_key(r)) for r, m in _routes(app) if r not in PUBLIC}
    assert not routes - set(listed), sorted(routes - set(listed))
    assert not set(listed) - routes, sorted(set(listed) - routes)
    sets = re.compile(r"\*(create|delete|configure|upgrade)\*|^none|owner")
    assert all(PRIVILEGE.search(text) or sets.search(text) for text in listed.values()), listed
