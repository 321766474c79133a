"""Query strings a client can get wrong: each is a 400 naming the parameter, never a 500."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from commitments.models import Commitment
from tests.factories import analyst

pytestmark = pytest.mark.usefixtures("loaded")


@pytest.fixture
def client_of_analyst() -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(analyst("maritime"))
    return client


@pytest.mark.parametrize(
    ("path", "query", "parameter", "message"),
    [
        (
            "commitments",
            "updated_since=0837-04-24T23:02:48%2B21:15",
            "updated_since",
            "between -14:00 and +14:00",
        ),
        (
            "commitments",
            "updated_since=0001-01-01T00:00:00%2B14:00",
            "updated_since",
            "out of range",
        ),
        ("milestones", "updated_since=yesterday", "updated_since", "valid date/time"),
        ("commitments", "pillar=", "pillar", "Empty value"),
        ("commitments", "stale=null", "stale", "valid choice"),
        ("commitments", "milestone_due_within=0.5", "milestone_due_within", "whole number"),
        ("dialogues", "established=maybe", "established", "valid choice"),
        ("action-items", "meeting=1.5", "meeting", "whole number"),
        ("commitments", "search=%00", "search", "Null characters"),
    ],
)
def test_a_bad_query_value_is_a_400_naming_the_parameter(
    client_of_analyst, path, query, parameter, message
):
    response = client_of_analyst.get(f"/api/v1/{path}/?{query}")

    assert response.status_code == 400
    assert message in " ".join(response.json()["error"]["fields"][parameter])


def test_an_unknown_api_path_answers_with_the_api_error_body(client_of_analyst):
    response = client_of_analyst.get("/api/v1/meetings/not-a-number/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_stale_lists_commitments_without_a_status_update_for_90_days(client_of_analyst):
    long_ago = timezone.now() - datetime.timedelta(days=100)
    Commitment.objects.filter(code__in=["MAR-01", "MAR-02"]).update(created_at=long_ago)
    client_of_analyst.post(
        "/api/v1/commitments/MAR-02/status-updates/",
        {"status": "on_track", "note": "Checked in."},
        format="json",
    )

    stale = client_of_analyst.get("/api/v1/commitments/?stale=true").json()
    fresh = client_of_analyst.get("/api/v1/commitments/?stale=false&page_size=500").json()

    assert [row["code"] for row in stale["results"]] == ["MAR-01"]
    assert fresh["count"] == Commitment.objects.count() - 1


def test_a_status_update_without_evidence_shows_no_link_rather_than_an_empty_one(
    client_of_analyst,
):
    response = client_of_analyst.post(
        "/api/v1/commitments/MAR-03/status-updates/",
        {"status": "at_risk", "note": "Berthing slots unconfirmed."},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["evidence_url"] is None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"outcome_summary": 0}, "outcome_summary", "Must be a string."),
        ({"place": ["Tokyo"]}, "place", "Must be a string."),
    ],
)
def test_a_number_or_list_for_a_text_field_is_refused(client_of_analyst, body, field, message):
    from dialogues.models import Meeting

    before = Meeting.objects.count()
    response = client_of_analyst.post(
        "/api/v1/meetings/",
        {"mechanism": "coast-guard-commandant-meetings", "date": "2026-10-14", **body},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"][field] == [message]
    assert Meeting.objects.count() == before


def test_an_empty_string_for_a_reference_is_refused_not_taken_as_none(client_of_analyst):
    response = client_of_analyst.post(
        "/api/v1/milestones/",
        {"commitment": "MAR-03", "title": "Step", "due_date": "2027-02-28", "owner": ""},
        format="json",
    )

    assert response.status_code == 400
    assert "send null for none" in response.json()["error"]["fields"]["owner"][0]
    assert not Commitment.objects.get(code="MAR-03").milestones.exists()
