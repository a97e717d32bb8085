"""Schemathesis against our own OpenAPI document, with response validation on: every answer must be one the
document describes (status, content type, headers, body schema), and a server error only where the document says
one can come (501 for ``GET /container`` and the 500 of a failed create, as 1.5.8). Twice: with no vCenter
configured (every request is refused: the refusals must conform too), and against the simulator with a real VCH,
for the operations that change nothing (bounded examples)."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from plugin_server.app import create_app
from tests.api_support import basic, make_app
from tests.vch_support import vch_spec

app = create_app({"TESTING": False, "PROPAGATE_EXCEPTIONS": False})
schema = schemathesis.openapi.from_wsgi("/container/openapi.json", app)


@schemathesis.check
def no_undocumented_server_error(ctx, response, case) -> None:
    status = response.status_code
    if status >= 500:
        documented = case.operation.definition.raw.get("responses", {})
        assert str(status) in documented, f"{status} is not an answer the document gives here: {response.text[:300]}"


CHECKS = [no_undocumented_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case):
    # Requests name arbitrary vCenters, so rejecting them (400/401/404) is right; what must never happen is an
    # undocumented server error or a response the document does not describe.
    case.call_and_validate(checks=CHECKS)


@pytest.fixture(scope="module")
def live(vch_world):
    """The simulator with a VCH, and what fills the paths: (target, datacenter, VCH id, credentials)."""
    from vic_machine.operations.create import create

    world = vch_world()
    result = create(world.session, vch_spec("conform-vch", "no-tls"), isos=world.isos, timeout=30)
    sim = world.sim
    return {"target": f"{sim.host}:{sim.port}", "datacenter": "DC0", "vch_id": result.vm,
            "auth": basic(sim.username, sim.password),
            "app": make_app(sim, ISO_DIR=str(Path(world.isos.appliance.path).parent), TESTING=False,
                            PROPAGATE_EXCEPTIONS=False)}


def _changes_nothing(ctx) -> bool:
    """Every GET (but event streams, which stay open), validation and the create-command preview."""
    op = ctx.operation
    if op.method.upper() == "GET":
        return not op.path.endswith("/events")
    return op.path.endswith(("/vch/validate", "/api/create-command"))


@schema.include(_changes_nothing).parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_live_answers_conform(case, live):
    for name in ("target", "datacenter", "vch_id"):
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = live[name]
    case.query = {k: v for k, v in (case.query or {}).items() if k != "thumbprint"}
    case.headers = {**(case.headers or {}), **live["auth"]}
    case.call_and_validate(checks=CHECKS, app=live["app"])
