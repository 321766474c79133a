"""The two sides through the REST API: `sides`, `sides_agree`, `awaiting_side`, status updates
for one's side, confirming, the filters, the dashboard's counts and the OpenAPI schema."""

import pytest

from access.choices import Side
from commitments.choices import Status
from commitments.models import StatusUpdate
from tests.api_base import api_client, assert_error, url
from tests.factories import analyst, commitment, superuser, viewer
from tests.test_api_schema import SCHEMA_DOCUMENT

pytestmark = pytest.mark.usefixtures("loaded")

TRAIL = url("commitments", "MAR-01", "status-updates")
CONFIRM = url("commitments", "MAR-01", "confirm")


@pytest.fixture
def india():
    return api_client(analyst("maritime", username="asha", side=Side.INDIA))


@pytest.fixture
def japan():
    return api_client(analyst("maritime", username="kenji", side=Side.JAPAN))


def as_read_by(code="MAR-01") -> dict:
    return api_client(viewer()).get(url("commitments", code)).json()


def test_a_commitment_shows_both_sides_whether_they_agree_and_who_is_awaited(india):
    before = as_read_by()
    assert before["sides"] == {
        side: {
            "status": "not_started",
            "status_label": "Not started",
            "note": "",
            "evidence_url": None,
            "updated_at": None,
            "updated_by": None,
            "marking": None,
        }
        for side in ("india", "japan")
    }
    assert (before["sides_agree"], before["awaiting_side"], before["awaiting_since"]) == (
        True,
        None,
        None,
    )

    update = india.post(
        TRAIL,
        {"status": "at_risk", "note": "Berths.", "evidence_url": "https://example.org/m"},
        format="json",
    ).json()

    after = as_read_by()
    assert after["status"] == "not_started"  # a joint commitment: not agreed yet
    assert after["sides"]["india"] == {
        "status": "at_risk",
        "status_label": "At risk",
        "note": "Berths.",
        "evidence_url": "https://example.org/m",
        "updated_at": update["created_at"],
        "updated_by": "asha",
        "marking": "bilateral",
    }
    assert after["sides"]["japan"]["status"] == "not_started"
    assert (after["sides_agree"], after["awaiting_side"]) == (False, "japan")
    assert after["awaiting_since"] == update["created_at"]
    listed = api_client(viewer()).get(url("commitments"), {"search": "MAR-01"}).json()
    row = next(r for r in listed["results"] if r["code"] == "MAR-01")
    assert {k: row[k] for k in ("sides", "sides_agree", "awaiting_side")} == {
        k: after[k] for k in ("sides", "sides_agree", "awaiting_side")
    }


def test_two_analysts_carry_a_joint_commitment_to_completed_through_the_api(india, japan):
    steps = [
        (india, {"status": "on_track", "note": "Plan agreed."}, "not_started", "japan"),
        (japan, {"status": "on_track", "note": "Plan agreed."}, "on_track", None),
        (india, {"status": "completed", "note": "Port calls held."}, "on_track", "japan"),
    ]
    for client, body, official, awaiting in steps:
        response = client.post(TRAIL, body, format="json")
        assert response.status_code == 201, response.content
        assert (as_read_by()["status"], as_read_by()["awaiting_side"]) == (official, awaiting)

    confirmed = japan.post(CONFIRM, {"note": "Confirmed at the review."}, format="json")

    assert confirmed.status_code == 201
    assert (confirmed.json()["kind"], confirmed.json()["side"]) == ("confirm", "japan")
    assert (as_read_by()["status"], as_read_by()["progress"], as_read_by()["sides_agree"]) == (
        "completed",
        100,
        True,
    )
    trail = india.get(TRAIL).json()["results"]
    assert [(e["side"], e["kind"], e["assessment"], e["to_status"]) for e in trail] == [
        ("japan", "confirm", "completed", "completed"),
        ("india", "report", "completed", "on_track"),
        ("japan", "confirm", "on_track", "on_track"),
        ("india", "report", "on_track", "not_started"),
    ]


def test_a_status_update_for_the_other_side_is_a_403_and_an_unknown_side_a_400(india):
    refused = india.post(TRAIL, {"status": "at_risk", "note": "x", "side": "japan"}, format="json")
    assert_error(refused, 403, "permission_denied")

    unknown = india.post(TRAIL, {"status": "at_risk", "note": "x", "side": "korea"}, format="json")
    assert_error(unknown, 400, "invalid", fields=["side"])

    assert not commitment().status_updates.exists()


def test_the_operator_reports_for_no_side():
    # Issue 25: the operator, of neither side and holding no role, gives no assessment.
    client = api_client(superuser(side=""))

    for body in ({}, {"side": "india"}, {"side": "japan"}):
        response = client.post(TRAIL, {"status": "at_risk", "note": "x", **body}, format="json")
        assert response.status_code == 403, body
    assert not StatusUpdate.objects.filter(commitment__code="MAR-01").exists()


def test_confirming_when_the_sides_agree_is_a_400_naming_the_status(japan):
    response = japan.post(CONFIRM, {"note": "Nothing to confirm."}, format="json")

    assert_error(response, 400, "invalid", fields=["status"])


def test_a_confirmation_needs_a_note(india, japan):
    india.post(TRAIL, {"status": "on_track", "note": "x"}, format="json")

    response = japan.post(CONFIRM, {}, format="json")

    assert_error(response, 400, "invalid", fields=["note"])


def test_the_list_filters_by_agreement_and_by_the_side_awaited(india, japan):
    india.post(TRAIL, {"status": "at_risk", "note": "x"}, format="json")
    japan.post(
        url("commitments", "MAR-02", "status-updates"), {"status": "at_risk", "note": "y"}, "json"
    )
    client = api_client(viewer())

    def codes(**params):
        response = client.get(url("commitments"), {"page_size": 100, **params})
        assert response.status_code == 200, response.content
        return [row["code"] for row in response.json()["results"]]

    assert codes(sides_agree="false") == ["MAR-01", "MAR-02"]
    assert codes(awaiting_side="japan") == ["MAR-01"]
    assert codes(awaiting_side="india") == ["MAR-02"]
    agreeing = codes(sides_agree="true", pillar="maritime")
    assert "MAR-01" not in agreeing and "MAR-03" in agreeing
    assert_error(
        client.get(url("commitments"), {"sides_agree": "maybe"}), 400, "invalid", ["sides_agree"]
    )
    assert_error(
        client.get(url("commitments"), {"awaiting_side": "korea"}),
        400,
        "invalid",
        ["awaiting_side"],
    )


def test_the_dashboard_reports_disagreements_and_pending_confirmations(india):
    india.post(TRAIL, {"status": "at_risk", "note": "x"}, format="json")

    body = api_client(viewer()).get(url("dashboard")).json()

    assert [key for key in body if "disagree" in key] == ["sides_disagree"]
    assert [key for key in body if "awaiting" in key] == ["awaiting"]
    assert body["sides_disagree"]["count"] == 1
    assert (body["awaiting"]["japan"]["count"], body["awaiting"]["india"]["count"]) == (1, 0)
    maritime = next(p for p in body["pillars"] if p["slug"] == "maritime")
    assert maritime["sides_disagree"]["count"] == maritime["awaiting"]["japan"]["count"] == 1


def test_the_openapi_schema_describes_the_sides():
    schemas = SCHEMA_DOCUMENT["components"]["schemas"]
    commitment_fields = schemas["Commitment"]["properties"]
    assert {"sides", "sides_agree", "awaiting_side", "awaiting_since"} <= set(commitment_fields)
    assert set(schemas["Sides"]["properties"]) == {"india", "japan"}
    assert set(schemas["SideAssessment"]["properties"]) == {
        "status",
        "status_label",
        "note",
        "evidence_url",
        "updated_at",
        "updated_by",
        "marking",
    }
    assert "side" in schemas["StatusUpdateCreateRequest"]["properties"]
    assert "side" in schemas["StatusUpdate"]["properties"]
    parameters = {
        p["name"] for p in SCHEMA_DOCUMENT["paths"]["/api/v1/commitments/"]["get"]["parameters"]
    }
    assert {"sides_agree", "awaiting_side"} <= parameters
    assert "/api/v1/commitments/{code}/confirm/" in SCHEMA_DOCUMENT["paths"]
    dashboard = schemas["Dashboard"]["properties"]
    assert {"sides_disagree", "awaiting"} <= set(dashboard)


def test_a_status_value_outside_the_six_is_still_a_400_naming_it(india):
    response = india.post(TRAIL, {"status": Status.AT_RISK + "x", "note": "x"}, format="json")

    assert_error(response, 400, "invalid", fields=["status"])
