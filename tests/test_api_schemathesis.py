"""Schemathesis against our own OpenAPI document: no 500, no response breaking the document (bounded examples)."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from plugin_server.app import create_app

app = create_app({"TESTING": False, "PROPAGATE_EXCEPTIONS": False})
schema = schemathesis.openapi.from_wsgi("/container/openapi.json", app)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case):
    # Requests name arbitrary vCenters, so rejecting them (400/401/404) is right; what must never happen is a
    # server error or a response the document does not describe.
    case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_headers_conformance, response_schema_conformance])
