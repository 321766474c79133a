"""Schemathesis against the published OpenAPI schema: every operation, an analyst's token.

No operation may answer 5xx, and every response must conform to the schema /api/schema/
publishes (status codes, content types, headers and bodies).
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from tests.factories import analyst

PILLARS = ("defence", "maritime", "industry", "technology", "multilateral", "dialogue")

# The same document /api/schema/ serves (test_schema_endpoint_serves_it checks that).
SCHEMA_DOCUMENT = json.loads(
    OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
)
schema = schemathesis.openapi.from_dict(SCHEMA_DOCUMENT)
schema.app = get_wsgi_application()


@pytest.fixture
def analyst_token(loaded) -> str:
    return Token.objects.create(user=analyst(*PILLARS)).key


@pytest.fixture
def wsgi_requests_share_the_test_transaction():
    """As Django's test client does: keep the test's connection open across requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Every check but positive_data_acceptance: a request can match the schema and still name a
# pillar, organisation or user that does not exist, which is rightly a 400.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


@pytest.mark.usefixtures("wsgi_requests_share_the_test_transaction")
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_within_its_schema(case, analyst_token):
    case.call_and_validate(headers={"Authorization": f"Token {analyst_token}"}, checks=CHECKS)


def test_schema_endpoint_serves_it(client, loaded):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert json.loads(response.content)["paths"].keys() == SCHEMA_DOCUMENT["paths"].keys()


def test_every_operation_parameter_and_field_is_described():
    bare = [
        f"{method.upper()} {path}"
        for path, item in SCHEMA_DOCUMENT["paths"].items()
        for method, operation in item.items()
        if not operation.get("summary")
    ]
    bare += [
        f"parameter {parameter['name']} of {path}"
        for path, item in SCHEMA_DOCUMENT["paths"].items()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    bare += [
        f"{component}.{name}"
        for component, body in SCHEMA_DOCUMENT["components"]["schemas"].items()
        for name, field in body.get("properties", {}).items()
        if not field.get("description")
    ]

    assert bare == []


def test_the_writes_a_system_makes_come_with_examples():
    def examples(path, method):
        content = SCHEMA_DOCUMENT["paths"][path][method]["requestBody"]["content"]
        return content["application/json"].get("examples", {})

    assert examples("/api/v1/commitments/{code}/status-updates/", "post")
    assert examples("/api/v1/milestones/", "post")
    assert examples("/api/v1/meetings/", "post")
    assert examples("/api/v1/action-items/", "post")


def test_the_schema_links_creations_to_later_reads_and_writes():
    """The stateful test below is only as deep as the links schemathesis finds between calls."""
    producers = set(schema.as_state_machine().bundles)

    assert {
        "POST /api/v1/milestones/ -> 201",
        "POST /api/v1/meetings/ -> 201",
        "POST /api/v1/action-items/ -> 201",
        "GET /api/v1/commitments/ -> 200",
    } <= producers


@pytest.mark.usefixtures("wsgi_requests_share_the_test_transaction")
def test_chained_operations_answer_within_the_schema(analyst_token):
    """Stateful: what one call creates (a milestone, a meeting, an action item) is what later
    calls read, change and delete, with ids taken from the real responses."""

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Token {analyst_token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Workflow.run(
        settings=settings(
            max_examples=50,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
