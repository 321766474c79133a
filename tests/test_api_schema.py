"""Schemathesis against the published OpenAPI schema: every operation, an analyst's token.

No operation may answer 5xx, and every response must conform to the schema /api/schema/
publishes (status codes, content types, headers and bodies), on data that gives the optional
values something to show: progress status updates (which give no assessment), status updates
and users of neither side, the sides apart, a side awaited, national-only and bilateral items.
"""

import json

import jsonschema
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis import checks

from access.choices import Marking, Side
from audit.models import AuditEvent
from commitments import services
from commitments.choices import Status, TrailKind
from commitments.models import Commitment, Milestone, Organisation
from declaration.sources import official_source_load, source_file_read
from dialogues import services as dialogue_services
from dialogues.choices import MeetingState
from dialogues.models import ActionItem, Meeting
from tests.api_base import api_client, make_action_item, mechanism, token_for, url
from tests.data import OFFICIAL_TEXT_SAMPLES
from tests.factories import analyst, commitment, days, india_led, manager, superuser

PILLARS = ("defence", "maritime", "industry", "technology", "multilateral", "dialogue")

# The same document /api/schema/ serves (test_schema_endpoint_serves_it checks that).
SCHEMA_DOCUMENT = json.loads(
    OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
)
schema = schemathesis.openapi.from_dict(SCHEMA_DOCUMENT)
schema.app = get_wsgi_application()


@pytest.fixture
def analyst_token(loaded) -> str:
    return token_for(analyst(*PILLARS))


@pytest.fixture(scope="module")
def _varied_rows(django_db_setup, django_db_blocker):
    """The varied rows, written once for the module in a transaction rolled back after it
    (each test's own transaction is a savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        varied_rows_write()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def varied(_varied_rows, loaded) -> None:
    """Beside the declaration, the varied rows (`varied_rows_write`)."""


def varied_rows_write() -> None:
    """Beside the declaration, the rows whose representations use every optional value.

    MAR-01: milestones moving progress (progress status updates, with no assessment), one added
    by Japan, one for India only (no status update: it makes India's `internal_progress`), and a
    responsible user of neither side (who adds no item: every item belongs to a side). MAR-02:
    the sides apart, Japan's note for Japan only, India awaited. DEF-01, led by India: a
    completion awaiting Japan's confirmation. A held meeting of the NSA consultations for Japan
    only, and a bilateral action item.
    """
    india = analyst(*PILLARS, username="schema-india")
    japan = analyst(*PILLARS, username="schema-japan", side=Side.JAPAN)
    neither = superuser(username="schema-neither", side="")
    for actor, title, fields in [
        (india, "Liaison officer posted", {"completed_on": days(-5), "due_date": days(-3)}),
        (japan, "Data-sharing arrangement signed", {"due_date": days(20)}),
        (
            india,
            "Indian liaison cell staffed",
            {"due_date": days(40), "marking": Marking.INDIA_ONLY},
        ),
    ]:
        services.milestone_create(
            commitment=commitment("MAR-01"), actor=actor, title=title, **fields
        )
    # A user of neither side sets no side's owner: as migrated from before the sides had each
    # their own (`responsible` of a user of neither side went to the lead side's, or India's).
    Commitment.objects.filter(code="MAR-01").update(responsible_india=neither)
    for author, status, marking in [
        (india, Status.ON_TRACK, Marking.BILATERAL),
        (japan, Status.AT_RISK, Marking.JAPAN_ONLY),
    ]:
        services.status_update_create(
            commitment=commitment("MAR-02"),
            author=author,
            status=status,
            note=f"{author.side} sees it {status}.",
            marking=marking,
            expected_version=None,
        )
    india_led("DEF-01")
    services.status_update_create(
        commitment=commitment("DEF-01"),
        author=india,
        status=Status.COMPLETED,
        note="Exercise held.",
        evidence_url="https://example.org/exercise",
        expected_version=None,
    )
    dialogue_services.meeting_create(
        mechanism=mechanism(),
        actor=japan,
        date=days(-10),
        state=MeetingState.HELD,
        outcome_summary="Agreed a roadmap.",
        marking=Marking.JAPAN_ONLY,
    )
    make_action_item(commitment=commitment("MAR-01"))
    # Official texts (invented test data), so that `official_clauses` and `sources` hold some.
    for sample in OFFICIAL_TEXT_SAMPLES:
        official_source_load(data=source_file_read(sample))
    # Each side's own context: India's and Japan's on MAR-01, Japan's own only on DEF-01.
    for actor, code, marking in [
        (india, "MAR-01", Marking.BILATERAL),
        (japan, "MAR-01", Marking.PUBLIC),
        (japan, "DEF-01", Marking.JAPAN_ONLY),
    ]:
        services.context_write(
            commitment=commitment(code),
            actor=actor,
            side=actor.side,
            text=f"{actor.side}'s background.",
            marking=marking,
        )


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
def test_every_operation_answers_within_its_schema(case, varied, analyst_token):
    case.call_and_validate(headers={"Authorization": f"Token {analyst_token}"}, checks=CHECKS)


def reads_of_the_varied_data() -> list[tuple[str, dict, dict]]:
    """Every GET operation with its path filled in with the varied rows: (path, path
    parameters, query), so that each object the data holds is read where it is served."""
    ids = {
        "milestones": Milestone.objects.values_list("id", flat=True),
        "meetings": Meeting.objects.values_list("id", flat=True),
        "action-items": ActionItem.objects.values_list("id", flat=True),
        "audit-events": AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:20],
    }
    slugs = {
        "dialogues": ["nsa-consultations"],
        "organisations": [Organisation.objects.order_by("slug").first().slug],
        "pillars": ["maritime"],
    }
    reads = []
    for path, item in SCHEMA_DOCUMENT["paths"].items():
        if "get" not in item:
            continue
        collection = path.removeprefix("/api/v1/").split("/")[0]
        if "{side}" in path:
            reads += [(path, {"code": "MAR-01", "side": side}, {}) for side in ("india", "japan")]
        elif "{code}" in path:
            reads += [(path, {"code": code}, {}) for code in VARIED_CODES]
        elif "{id}" in path:
            reads += [(path, {"id": pk}, {}) for pk in ids.get(collection, [])]
        elif "{slug}" in path:
            reads += [(path, {"slug": slug}, {}) for slug in slugs[collection]]
        else:
            reads.append((path, {}, {"page_size": 500} if collection == "commitments" else {}))
    return reads


VARIED_CODES = ("MAR-01", "MAR-02", "DEF-01")


@pytest.mark.usefixtures("wsgi_requests_share_the_test_transaction")
@pytest.mark.parametrize("reader", ["India's analyst", "Japan's manager"])
def test_every_read_of_the_varied_data_answers_within_its_schema(varied, reader):
    """Each object of the varied data, as each side reads it (a manager reads the audit log)."""
    user = analyst(*PILLARS) if reader == "India's analyst" else manager(side=Side.JAPAN)
    headers = {"Authorization": f"Token {token_for(user)}"}
    reads = reads_of_the_varied_data()
    assert {path for path, _, _ in reads} >= {
        "/api/v1/commitments/{code}/status-updates/",
        "/api/v1/milestones/{id}/",
        "/api/v1/dashboard/",
        "/api/v1/declaration/",
        "/api/v1/audit-events/{id}/",
    }

    for path, parameters, query in reads:
        case = schema[path]["GET"].Case(path_parameters=parameters, query=query)
        case.call_and_validate(headers=headers, checks=CHECKS)


def json_schema(component: str) -> dict:
    """The published schema's component as JSON Schema: OpenAPI 3.0's `nullable` as null."""

    def converted(node):
        if isinstance(node, list):
            return [converted(item) for item in node]
        if not isinstance(node, dict):
            return node
        nullable = node.get("nullable", False)
        node = {key: converted(value) for key, value in node.items() if key != "nullable"}
        return {"anyOf": [node, {"type": "null"}]} if nullable else node

    return {
        "$ref": f"#/components/schemas/{component}",
        "components": converted(SCHEMA_DOCUMENT["components"]),
    }


def schema_errors(body, component: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(json_schema(component))
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(body)]


def test_a_trail_with_progress_status_updates_reads_as_its_schema_says(varied):
    response = api_client(analyst("maritime")).get(url("commitments", "MAR-01", "status-updates"))

    assert response.status_code == 200
    updates = response.json()["results"]
    assert schema_errors(response.json(), "PaginatedStatusUpdateList") == []
    progress = [update for update in updates if update["kind"] == TrailKind.PROGRESS]
    # The India-only milestone writes none: official progress comes from shared ones alone.
    assert len(progress) == 2
    assert {update["assessment"] for update in progress} == {None}
    # Every milestone belongs to a side now (issue 23): its progress status updates too.
    assert {update["side"] for update in progress} == {"india", "japan"}


def test_every_commitment_reads_as_its_schema_says(varied):
    response = api_client(analyst("maritime")).get(url("commitments"), {"page_size": 500})

    assert response.status_code == 200
    assert schema_errors(response.json(), "PaginatedCommitmentList") == []
    rows = {row["code"]: row for row in response.json()["results"]}
    assert rows["MAR-01"]["responsible"]["side"] is None
    # Shared: 1 of 2 done; with India's own milestone, 1 of 3 (India's reader only).
    assert (rows["MAR-01"]["progress"], rows["MAR-01"]["internal_progress"]) == (50, 33)
    assert rows["MAR-02"]["awaiting_side"] == "india"
    assert rows["MAR-02"]["sides"]["japan"]["note"] == ""  # Japan's only
    assert rows["DEF-01"]["awaiting_side"] == "japan"
    assert rows["DEF-02"]["awaiting_side"] is None
    assert rows["DEF-02"]["sides"]["india"]["marking"] is None


def test_the_dashboards_recent_activity_reads_as_its_schema_says(varied):
    response = api_client(manager()).get(url("dashboard"))

    assert response.status_code == 200
    assert schema_errors(response.json(), "Dashboard") == []
    activity = response.json()["recent_activity"]
    given = {(update["kind"] == TrailKind.PROGRESS, update["assessment"]) for update in activity}
    assert given == {
        (True, None),
        (False, Status.ON_TRACK),
        (False, Status.AT_RISK),
        (False, Status.COMPLETED),
    }


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
def test_chained_operations_answer_within_the_schema(varied, analyst_token):
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
