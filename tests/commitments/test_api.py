"""The commitments part of the REST API, as a client sees it: roles, filters, pages, ETags,
strict input, CSV, the dashboard, query counts and tokens."""

import csv
import datetime
import io
import re
import zoneinfo
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from access.apikeys import user_keys_revoke
from commitments import services
from commitments.api.permissions import TrackerPermission
from commitments.choices import Status
from commitments.models import Commitment, Milestone, Organisation, Pillar, StatusUpdate
from tests.api_base import (
    ROLES,
    WRITERS,
    api_client,
    assert_error,
    assert_if_match_protocol,
    codes,
    make_milestone,
    make_user,
    read_status,
    refreshed,
    snapshot,
    url,
    walk,
    write_status,
)
from tests.factories import (
    agreed,
    analyst,
    chief,
    commitment,
    days,
    india_led,
    manager,
    superuser,
    updated,
    viewer,
)
from tests.ids import stable

pytestmark = pytest.mark.usefixtures("loaded")

ALL = {"page_size": 500}


def all_codes() -> list[str]:
    return list(Commitment.objects.order_by("code").values_list("code", flat=True))


def pillar_codes(slug: str) -> set[str]:
    return set(Commitment.objects.filter(pillar__slug=slug).values_list("code", flat=True))


def if_match(obj) -> dict:
    return {"HTTP_IF_MATCH": f'"{refreshed(obj).version}"'}


def change_status(code: str, status: str, note: str = "Reviewed.", **kw):
    """Both sides give `status`, so that it is the commitment's official status."""
    return agreed(code, status, note, **kw)


def update(code: str, **changes):
    """Change a commitment, its shared terms agreed by both sides."""
    return updated(code, **changes)


@pytest.fixture
def objects(loaded):
    """A milestone (of MAR-02) and a user who could become MAR-01's owner."""
    return {"milestone": make_milestone("MAR-02"), "owner": analyst("maritime")}


# =========================================================================== who may read


READS = {
    "pillars": (
        lambda o: url("pillars"),
        lambda body, o: (
            {p["slug"]: p["commitment_count"] for p in body}
            == {p.slug: p.commitments.count() for p in Pillar.objects.all()}
        ),
    ),
    "organisations": (
        lambda o: url("organisations"),
        lambda body, o: body["count"] == Organisation.objects.count(),
    ),
    "commitments": (lambda o: url("commitments"), lambda body, o: body["count"] == 62),
    "a commitment": (
        lambda o: url("commitments", "MAR-01"),
        lambda body, o: body["code"] == "MAR-01" and body["pillar"]["slug"] == "maritime",
    ),
    "a commitment's trail": (
        lambda o: url("commitments", "MAR-02", "status-updates"),
        lambda body, o: body["count"] == 0 and body["results"] == [],
    ),
    "milestones": (
        lambda o: url("milestones"),
        lambda body, o: [m["id"] for m in body["results"]] == [o["milestone"].pk],
    ),
    "a milestone": (
        lambda o: url("milestones", o["milestone"].pk),
        lambda body, o: body["commitment"] == "MAR-02" and body["state"] == "upcoming",
    ),
    "dashboard": (
        lambda o: url("dashboard"),
        lambda body, o: body["overall"]["commitments"] == 62 and len(body["pillars"]) == 6,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", READS)
def test_every_role_reads_and_nobody_else(endpoint, role, objects):
    path, shows = READS[endpoint]

    response = api_client(make_user(role)).get(path(objects))

    expected = read_status(role)
    if expected == 200:
        assert response.status_code == 200
        assert shows(response.json(), objects)
    else:
        assert_error(
            response, expected, "not_authenticated" if expected == 401 else "permission_denied"
        )


@pytest.mark.parametrize(
    "path",
    [
        url("commitments", "XYZ-99"),
        url("commitments", "XYZ-99", "status-updates"),
        url("milestones", 0),
        url("pillars", "atlantis"),
        url("organisations", "nobody"),
    ],
)
def test_an_unknown_object_is_a_404(path):
    assert_error(api_client(viewer()).get(path), 404, "not_found")


def test_writing_to_an_unknown_commitment_is_a_404():
    client = api_client(chief())

    assert_error(
        client.patch(url("commitments", "XYZ-99"), {"title": "x"}, HTTP_IF_MATCH='"1"'),
        404,
        "not_found",
    )
    assert_error(
        client.post(url("commitments", "XYZ-99", "status-updates"), {"status": "at_risk"}),
        404,
        "not_found",
    )


# =========================================================================== who may write


def test_the_pillars_are_listed_in_the_declarations_order():
    response = api_client(viewer()).get(url("pillars"))

    assert [p["slug"] for p in response.json()] == [
        "defence",
        "maritime",
        "industry",
        "technology",
        "multilateral",
        "dialogue",
    ]


def new_commitment(code: str = "MAR-90", pillar: str = "maritime", quoting: str = "MAR-01"):
    """The body of a new commitment quoting the declaration as `quoting` does."""
    source = commitment(quoting)
    return {
        "code": code,
        "pillar": pillar,
        "title": "Review port calls jointly each year",
        "source_clause": source.source_clause,
        "paragraph": source.paragraph,
        "lead_organisations": ["in-navy"],
    }


WRITES = {
    "post a status update": (
        lambda c, o: c.post(
            url("commitments", "MAR-01", "status-updates"),
            {"status": "at_risk", "note": "Port calls postponed."},
        ),
        201,
        WRITERS,
    ),
    "rename a commitment": (
        lambda c, o: c.patch(
            url("commitments", "MAR-01"),
            {"title": "Increase naval port visits"},
            **if_match(commitment("MAR-01")),
        ),
        200,
        WRITERS,
    ),
    "reassign a commitment's owner": (
        lambda c, o: c.patch(
            url("commitments", "MAR-01"),
            {"responsible_india": o["owner"].username},
            **if_match(commitment("MAR-01")),
        ),
        200,
        ("manager", *WRITERS),
    ),
    "add a commitment": (lambda c, o: c.post(url("commitments"), new_commitment()), 201, WRITERS),
    "add a milestone": (
        lambda c, o: c.post(
            url("milestones"),
            {"commitment": "MAR-02", "title": "Second port call", "due_date": str(days(90))},
        ),
        201,
        WRITERS,
    ),
    "change a milestone": (
        lambda c, o: c.patch(
            url("milestones", o["milestone"].pk),
            {"title": "Port call plan signed"},
            **if_match(o["milestone"]),
        ),
        200,
        WRITERS,
    ),
    "remove a milestone": (
        lambda c, o: c.delete(url("milestones", o["milestone"].pk), **if_match(o["milestone"])),
        204,
        WRITERS,
    ),
}


def world(objects) -> dict:
    """Everything the writes above could change."""
    milestone = Milestone.objects.filter(pk=objects["milestone"].pk).first()
    return {
        "MAR-01": snapshot(commitment("MAR-01")),
        "MAR-02": snapshot(commitment("MAR-02")),
        "trail": StatusUpdate.objects.count(),
        "commitments": Commitment.objects.count(),
        "milestones": Milestone.objects.count(),
        "milestone": snapshot(milestone) if milestone else None,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", WRITES)
def test_only_analysts_of_the_pillar_write(write, role, objects):
    send, success, writers = WRITES[write]
    before = world(objects)

    response = send(api_client(make_user(role, "maritime")), objects)

    expected = write_status(role, success, writers)
    if expected == success:
        assert response.status_code == success, response.content
        assert world(objects) != before
    else:
        assert_error(response, expected)
        assert world(objects) == before


def test_where_a_view_names_no_pillar_nobody_may_change_an_object():
    """The API's default permission needs no `pillar_id_of` from a view that writes nothing."""
    gate, view, obj = TrackerPermission(), APIView(), commitment("MAR-01")

    def may_patch(user) -> bool:
        request = APIRequestFactory().patch("/")
        request.user = user
        return gate.has_object_permission(request, view, obj)

    assert not may_patch(analyst("maritime"))
    assert not may_patch(manager())
    assert not may_patch(chief())
    assert not may_patch(superuser())


def test_a_manager_reassigns_the_owner_but_cannot_rename_on_the_way():
    boss, owner = api_client(manager()), analyst("maritime")
    target = commitment("MAR-01")

    refused = boss.patch(
        url("commitments", "MAR-01"),
        {"responsible_india": owner.username, "title": "Renamed by a manager"},
        **if_match(target),
    )

    assert_error(refused, 403, "permission_denied")
    assert snapshot(target) == snapshot(commitment("MAR-01"))
    done = boss.patch(
        url("commitments", "MAR-01"), {"responsible_india": owner.username}, **if_match(target)
    )
    assert done.status_code == 200
    assert done.json()["responsible_india"]["username"] == owner.username
    # `responsible`, deprecated: read-only, India's on a joint commitment (none is Japan's).
    assert done.json()["responsible"]["username"] == owner.username
    assert done.json()["title"] == target.title


def test_an_analyst_elsewhere_cannot_add_a_commitment_to_another_pillar():
    defence_analyst = api_client(analyst("defence"))

    refused = defence_analyst.post(url("commitments"), new_commitment("MAR-91"))

    assert_error(refused, 403, "permission_denied")
    assert not Commitment.objects.filter(code="MAR-91").exists()
    created = defence_analyst.post(
        url("commitments"), new_commitment("DEF-91", "defence", quoting="DEF-01")
    )
    assert created.status_code == 201
    assert created.json()["pillar"]["slug"] == "defence"
    assert created["ETag"] == '"1"'


@pytest.mark.parametrize(
    "path", [url("commitments", "MAR-01", "status-updates"), url("commitments")]
)
def test_a_manager_is_refused_writes_before_the_body_is_judged(path):
    response = api_client(manager()).post(path, {})

    assert_error(response, 403, "permission_denied")


# =========================================================================== filters


@pytest.fixture
def arranged(loaded):
    """A few commitments given statuses, sides, target dates and owners."""
    alice, bob = analyst("maritime", username="alice"), analyst("defence", username="bob")
    change_status("MAR-01", Status.AT_RISK)
    change_status("MAR-02", Status.ON_TRACK)
    change_status("DEF-01", Status.AT_RISK)
    update(
        "MAR-01", lead_side="india", target_date=datetime.date(2026, 6, 30), responsible_india=alice
    )
    update("MAR-02", lead_side="japan", target_date=datetime.date(2027, 1, 15))
    update("DEF-01", target_date=datetime.date(2026, 12, 31), responsible_india=bob)


FILTERS = [
    ({"pillar": "maritime"}, lambda: pillar_codes("maritime")),
    ({"status": "at_risk"}, {"MAR-01", "DEF-01"}),
    ({"status": ["at_risk", "on_track"]}, {"MAR-01", "MAR-02", "DEF-01"}),
    (
        {"lead_side": "india"},
        lambda: (
            {"MAR-01"}
            | set(Commitment.objects.filter(lead_side="india").values_list("code", flat=True))
        ),
    ),
    ({"lead_side": "japan"}, {"MAR-02"}),
    (
        {"organisation": "jp-jcg"},
        lambda: set(
            Commitment.objects.filter(lead_organisations__slug="jp-jcg").values_list(
                "code", flat=True
            )
        ),
    ),
    ({"owner": "alice"}, {"MAR-01"}),
    ({"target_date_after": "2026-07-01"}, {"MAR-02", "DEF-01"}),
    ({"target_date_before": "2026-12-31"}, {"MAR-01", "DEF-01"}),
    ({"target_date_after": "2026-07-01", "target_date_before": "2026-12-31"}, {"DEF-01"}),
    ({"pillar": "maritime", "status": "at_risk"}, {"MAR-01"}),
    ({"pillar": "defence", "owner": "alice"}, set()),
    ({"search": "MAR-05"}, {"MAR-05"}),  # code
    ({"search": "tri-service"}, {"DEF-04"}),  # title
    ({"search": "navic"}, {"TEC-13"}),  # the tracker's context, any case
    ({"search": "geared toward"}, {"DEF-04"}),  # source clause
    ({"search": "niche areas"}, {"DEF-07", "DEF-08", "DEF-09", "DEF-10"}),  # source clause
]


@pytest.mark.usefixtures("arranged")
@pytest.mark.parametrize(("params", "expected"), FILTERS, ids=stable)
def test_commitments_filter_by_each_parameter(params, expected):
    expected = expected() if callable(expected) else expected

    response = api_client(viewer()).get(url("commitments"), {**params, **ALL})

    assert set(codes(response)) == expected
    assert response.json()["count"] == len(expected)


def test_the_organisation_filter_matches_the_seven_japan_coast_guard_commitments():
    found = codes(api_client(viewer()).get(url("commitments"), {"organisation": "jp-jcg"}))

    assert len(found) == len(set(found)) == 7


def iso_formats(instant: datetime.datetime) -> list[str]:
    return [
        instant.isoformat(),
        instant.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        instant.astimezone(zoneinfo.ZoneInfo("Asia/Kolkata")).isoformat(),
        instant.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")).isoformat(),
    ]


def test_updated_since_returns_only_what_changed_after_the_instant():
    just_before = timezone.now()
    change_status("MAR-03", Status.ON_TRACK, "Liaison officer posted.")
    client = api_client(viewer())

    for since in iso_formats(just_before):
        assert codes(client.get(url("commitments"), {"updated_since": since})) == ["MAR-03"]
    later = (timezone.now() + datetime.timedelta(seconds=1)).isoformat()
    assert codes(client.get(url("commitments"), {"updated_since": later})) == []


def test_ordering_by_progress_descending_puts_the_most_advanced_first():
    change_status("DEF-02", Status.ON_TRACK, progress=70)
    change_status("IND-02", Status.ON_TRACK, progress=50)
    change_status("MAR-03", Status.ON_TRACK, progress=30)

    response = api_client(viewer()).get(url("commitments"), {"ordering": "-progress", **ALL})

    rows = response.json()["results"]
    assert [r["code"] for r in rows[:3]] == ["DEF-02", "IND-02", "MAR-03"]
    assert [r["progress"] for r in rows] == sorted((r["progress"] for r in rows), reverse=True)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("code", lambda: all_codes()),
        ("-code", lambda: all_codes()[::-1]),
        (
            "title",
            lambda: list(Commitment.objects.order_by("title").values_list("code", flat=True)),
        ),
    ],
)
def test_ordering_by_a_unique_field(ordering, expected):
    response = api_client(viewer()).get(url("commitments"), {"ordering": ordering, **ALL})

    assert codes(response) == expected()


def test_walking_every_page_ordered_by_progress_sees_each_commitment_once():
    change_status("DEF-02", Status.ON_TRACK, progress=70)

    rows = walk(
        api_client(viewer()),
        url("commitments"),
        {"ordering": "-progress", "page_size": 10, "pagination": "page"},
    )

    seen = Counter(row["code"] for row in rows)
    assert [code for code, n in seen.items() if n > 1] == []
    assert sorted(seen) == all_codes()
    assert rows[0]["code"] == "DEF-02"


def test_cursor_pages_refuse_an_ordering_they_could_not_keep():
    response = api_client(viewer()).get(
        url("commitments"), {"ordering": "-progress", "pagination": "cursor"}
    )

    assert_error(response, 400, "invalid", fields=["ordering"])


@pytest.mark.usefixtures("arranged")
def test_milestones_filter_by_commitment_state_and_due_dates():
    author = chief()
    overdue = make_milestone("MAR-01", "Overdue step", due_date=days(-3))
    soon = make_milestone("MAR-01", "Due soon step", due_date=days(5))
    later = make_milestone("DEF-01", "Later step", due_date=days(120))
    done = make_milestone("DEF-01", "Done step", due_date=days(-30))
    services.milestone_complete(milestone=done, actor=author, expected_version=done.version)
    client = api_client(viewer())

    def ids(**params):
        response = client.get(url("milestones"), params)
        assert response.status_code == 200, response.json()
        return {m["id"] for m in response.json()["results"]}

    assert ids(commitment="MAR-01") == {overdue.pk, soon.pk}
    assert ids(state="overdue") == {overdue.pk}
    assert ids(state="due_soon") == {soon.pk}
    assert ids(state="upcoming") == {later.pk}
    assert ids(state="done") == {done.pk}
    assert ids(due_date_after=str(days(0))) == {soon.pk, later.pk}
    assert ids(due_date_before=str(days(-3))) == {overdue.pk, done.pk}
    assert ids(due_date_after=str(days(-3)), due_date_before=str(days(5))) == {
        overdue.pk,
        soon.pk,
    }
    assert ids(commitment="DEF-01", state="done") == {done.pk}


INVALID_COMMITMENT_FILTERS = [
    ({"status": "sinking"}, "status"),
    ({"status": ["at_risk", "sinking"]}, "status"),
    ({"pillar": "atlantis"}, "pillar"),
    ({"lead_side": "both"}, "lead_side"),
    ({"organisation": "nobody"}, "organisation"),
    ({"owner": "ghost"}, "owner"),
    ({"updated_since": "yesterday"}, "updated_since"),
    ({"updated_since": "2026-13-01T00:00:00Z"}, "updated_since"),
    ({"updated_since": "2026-11-01T25:00:00+05:30"}, "updated_since"),
    ({"stale": "maybe"}, "stale"),
    ({"ordering": "secret"}, "ordering"),
    ({"ordering": "code,-secret"}, "ordering"),
    ({"page_size": "0"}, "page_size"),
    ({"page_size": "501"}, "page_size"),
    ({"page_size": "abc"}, "page_size"),
    ({"pagination": "bogus"}, "pagination"),
    ({"pagination": "cursor", "page_size": "0"}, "page_size"),
    ({"search": "x" * 201}, "search"),
]
BAD_DATES = [
    ({"target_date_after": "not-a-date"}, "target_date_after"),
    ({"target_date_before": "2026-02-30"}, "target_date_before"),
    ({"target_date_after": "99999-01-01"}, "target_date_after"),
]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        *INVALID_COMMITMENT_FILTERS,
        *(pytest.param(*case) for case in BAD_DATES),
    ],
    ids=lambda v: stable(v)[:40],
)
def test_an_invalid_commitment_filter_is_a_400_naming_the_parameter(params, field):
    response = api_client(viewer()).get(url("commitments"), params)

    assert_error(response, 400, "invalid", fields=[field])


@pytest.mark.parametrize(("params", "field"), BAD_DATES, ids=lambda v: stable(v)[:40])
def test_a_bad_date_is_refused_never_ignored(params, field):
    response = api_client(viewer()).get(url("commitments"), params)

    error = assert_error(response, 400, "invalid")
    assert any(field.startswith(name) for name in error["fields"])


INVALID_MILESTONE_FILTERS = [
    ({"commitment": "XYZ-99"}, "commitment"),
    ({"state": "late"}, "state"),
    ({"owner": "ghost"}, "owner"),
    ({"ordering": "secret"}, "ordering"),
    ({"page_size": "501"}, "page_size"),
    ({"pagination": "bogus"}, "pagination"),
    pytest.param({"due_date_after": "soon"}, "due_date_after"),
    pytest.param({"due_date_before": "99999-01-01"}, "due_date_before"),
]


@pytest.mark.parametrize(("params", "field"), INVALID_MILESTONE_FILTERS, ids=stable)
def test_an_invalid_milestone_filter_is_a_400_naming_the_parameter(params, field):
    response = api_client(viewer()).get(url("milestones"), params)

    assert_error(response, 400, "invalid", fields=[field])


# =========================================================================== pages


def test_page_numbers_count_and_link_the_pages():
    client = api_client(viewer())

    first = client.get(url("commitments"), {"page_size": 25}).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (62, 25, None)
    assert "page=2" in first["next"] and "page_size=25" in first["next"]
    last = client.get(url("commitments"), {"page_size": 25, "page": 3}).json()
    assert (len(last["results"]), last["next"]) == (12, None)
    assert "page_size=25" in last["previous"]
    rows = walk(client, url("commitments"), {"page_size": 25})
    assert [row["code"] for row in rows] == all_codes()


def test_one_page_holds_up_to_500_and_50_by_default():
    client = api_client(viewer())

    assert len(client.get(url("commitments")).json()["results"]) == 50
    everything = client.get(url("commitments"), {"page_size": 500}).json()
    assert (len(everything["results"]), everything["next"]) == (62, None)


def test_a_page_past_the_end_or_a_forged_cursor_is_a_404():
    client = api_client(viewer())

    assert_error(client.get(url("commitments"), {"page": 99}), 404, "not_found")
    assert_error(client.get(url("commitments"), {"cursor": "forged"}), 404, "not_found")


def test_cursor_pages_see_every_commitment_once_while_one_is_added_mid_walk():
    client = api_client(viewer())

    def add_one(pages):
        if pages == 1:
            services.commitment_create(
                actor=chief(),
                **{
                    **new_commitment("MAR-99"),
                    "pillar": Pillar.objects.get(slug="maritime"),
                    "lead_organisations": [],
                },
            )

    rows = walk(client, url("commitments"), {"pagination": "cursor", "page_size": 10}, add_one)

    seen = Counter(row["code"] for row in rows)
    assert max(seen.values()) == 1
    assert sorted(seen) == sorted([*[c for c in all_codes() if c != "MAR-99"], "MAR-99"])
    first = client.get(url("commitments"), {"pagination": "cursor", "page_size": 10}).json()
    assert "count" not in first and first["previous"] is None


# =========================================================================== ETags


def test_commitment_updates_need_the_current_etag():
    assert_if_match_protocol(
        api_client(analyst("maritime")),
        api_client(analyst("maritime")),
        url("commitments", "MAR-04"),
        commitment("MAR-04"),
        change={"title": "Share maritime data through IPMDA"},
        lost={"title": "Overwritten"},
        bump=lambda: update("MAR-04", priority="high"),
    )


def test_milestone_updates_need_the_current_etag():
    milestone = make_milestone("MAR-05")

    def bump():
        current = refreshed(milestone)
        services.milestone_update(
            milestone=current, actor=chief(), expected_version=current.version, weight=2
        )

    assert_if_match_protocol(
        api_client(analyst("maritime")),
        api_client(chief()),
        url("milestones", milestone.pk),
        milestone,
        change={"title": "Anti-piracy workshop held"},
        lost={"title": "Overwritten"},
        bump=bump,
    )


def test_deleting_a_milestone_needs_the_current_etag():
    milestone = make_milestone("MAR-05")
    client = api_client(analyst("maritime"))
    path = url("milestones", milestone.pk)

    assert_error(client.delete(path), 428, "precondition_required")
    assert_error(client.delete(path, HTTP_IF_MATCH='"7"'), 412, "precondition_failed")
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    assert client.delete(path, HTTP_IF_MATCH=client.get(path)["ETag"]).status_code == 204
    assert_error(client.get(path), 404, "not_found")


@pytest.mark.parametrize("header", [None, '"7"', 'W/")%"'])
def test_deleting_a_milestone_that_is_not_there_is_a_404_whatever_the_etag(header):
    client = api_client(analyst("maritime"))
    headers = {} if header is None else {"HTTP_IF_MATCH": header}

    for path in (url("milestones", 999_999), "/api/v1/milestones/not-an-id/"):
        assert_error(client.delete(path, **headers), 404, "not_found")


@pytest.mark.parametrize("header", ['"abc"', "*", '"1", "2"', '"9999999999"', '"-1"'])
def test_an_if_match_that_is_not_an_etag_is_a_412(header):
    before = snapshot(commitment("MAR-01"))

    response = api_client(analyst("maritime")).patch(
        url("commitments", "MAR-01"), {"title": "Renamed"}, HTTP_IF_MATCH=header
    )

    assert_error(response, 412, "precondition_failed")
    assert snapshot(commitment("MAR-01")) == before


def test_an_if_match_of_superscript_digits_is_a_412_not_a_500():
    client = api_client(analyst("maritime"), raise_request_exception=False)
    before = snapshot(commitment("MAR-01"))

    response = client.patch(url("commitments", "MAR-01"), {"title": "x"}, HTTP_IF_MATCH='"²"')

    assert_error(response, 412, "precondition_failed")
    assert snapshot(commitment("MAR-01")) == before


# =========================================================================== refused input


STATUS_UPDATE = url("commitments", "MAR-01", "status-updates")
COMMITMENT = url("commitments", "MAR-01")
MALFORMED = '{"status": "at_risk", "note": '
NOT_UTF8 = b'{"status": "at_risk", "note": "\xff\xfe"}'

REFUSED = [
    ("post", STATUS_UPDATE, {"status": "at_risk"}, None, 400, "invalid", "note"),
    ("post", STATUS_UPDATE, {"status": "at_risk", "note": "   "}, None, 400, "invalid", "note"),
    ("post", STATUS_UPDATE, {"status": "sinking", "note": "x"}, None, 400, "invalid", "status"),
    (
        "post",
        STATUS_UPDATE,
        {"status": "at_risk", "note": "x", "bogus": 1},
        None,
        400,
        "invalid",
        "bogus",
    ),
    (
        "post",
        STATUS_UPDATE,
        {"status": "on_track", "note": "x", "progress": 101},
        None,
        400,
        "invalid",
        "progress",
    ),
    ("post", STATUS_UPDATE, MALFORMED, "application/json", 400, "parse_error", None),
    ("post", STATUS_UPDATE, NOT_UTF8, "application/json", 400, "parse_error", None),
    (
        "post",
        STATUS_UPDATE,
        [{"status": "at_risk", "note": "x"}],
        None,
        400,
        "invalid",
        "non_field_errors",
    ),
    ("post", STATUS_UPDATE, "null", "application/json", 400, "invalid", "non_field_errors"),
    (
        "post",
        STATUS_UPDATE,
        "status=at_risk&note=x",
        "text/plain",
        415,
        "unsupported_media_type",
        None,
    ),
    ("patch", COMMITMENT, {"status": "completed"}, None, 400, "invalid", "status"),
    ("patch", COMMITMENT, {"progress": 100}, None, 400, "invalid", "progress"),
    ("patch", COMMITMENT, {"title": "x", "bogus": 1}, None, 400, "invalid", "bogus"),
    ("patch", COMMITMENT, {"code": "MAR-77"}, None, 400, "invalid", "code"),
    ("patch", COMMITMENT, {"title": ""}, None, 400, "invalid", "title"),
    (
        "patch",
        COMMITMENT,
        {"responsible_india": "ghost"},
        None,
        400,
        "invalid",
        "responsible_india",
    ),
    ("patch", COMMITMENT, {"lead_side": "both"}, None, 400, "invalid", "lead_side"),
    (
        "patch",
        COMMITMENT,
        {"start_date": "2027-01-01", "target_date": "2026-01-01"},
        None,
        400,
        "invalid",
        None,
    ),
    ("patch", COMMITMENT, MALFORMED, "application/json", 400, "parse_error", None),
    ("patch", COMMITMENT, NOT_UTF8, "application/json", 400, "parse_error", None),
    ("patch", COMMITMENT, [{"title": "x"}], None, 400, "invalid", "non_field_errors"),
    ("patch", COMMITMENT, "title=x", "text/plain", 415, "unsupported_media_type", None),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type", "status", "code", "field"),
    REFUSED,
    ids=[f"{r[0]}-{i}-{str(r[2])[:30]}" for i, r in enumerate(REFUSED)],
)
def test_refused_input_changes_nothing(method, path, body, content_type, status, code, field):
    target = commitment("MAR-01")
    before = (snapshot(target), target.status_updates.count())
    kwargs = {"content_type": content_type} if content_type else {"format": "json"}

    response = getattr(api_client(analyst("maritime")), method)(
        path, body, **kwargs, **if_match(target)
    )

    assert_error(response, status, code, fields=[field] if field else None)
    assert (snapshot(target), target.status_updates.count()) == before


def test_status_is_refused_in_a_commitment_patch_with_a_pointer_to_status_updates():
    target = commitment("MAR-01")

    response = api_client(analyst("maritime")).patch(
        COMMITMENT, {"status": "completed"}, **if_match(target)
    )

    error = assert_error(response, 400, "invalid", fields=["status"])
    assert "status-updates" in error["fields"]["status"][0]
    assert refreshed(target).status == Status.NOT_STARTED


# =========================================================================== status updates


def test_a_status_update_changes_the_status_and_shows_in_the_trail():
    india_led("MAR-01")  # the lead side's assessment is official at once
    author = analyst("maritime", first_name="Asha", last_name="Rao")
    client = api_client(author)
    etag = client.get(COMMITMENT)["ETag"]

    response = client.post(
        STATUS_UPDATE,
        {
            "status": "at_risk",
            "note": "Port calls postponed.",
            "evidence_url": "https://example.org/minutes",
        },
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 201
    status_update = response.json()
    assert (
        status_update["commitment"],
        status_update["from_status"],
        status_update["to_status"],
    ) == (
        "MAR-01",
        "not_started",
        "at_risk",
    )
    assert status_update["author"] == {
        "username": author.username,
        "name": "Asha Rao",
        "side": "india",
    }
    assert (status_update["side"], status_update["kind"], status_update["assessment"]) == (
        "india",
        "report",
        "at_risk",
    )
    assert status_update["note"] == "Port calls postponed."
    assert status_update["evidence_url"] == "https://example.org/minutes"
    assert response["ETag"] == f'"{status_update["version"]}"' != etag
    shown = client.get(COMMITMENT)
    assert shown.json()["status"] == "at_risk"
    assert shown.json()["status_label"] == "At risk"
    assert shown.json()["last_status_update_at"] == status_update["created_at"]
    assert shown["ETag"] == response["ETag"]
    trail = client.get(STATUS_UPDATE).json()
    assert trail["count"] == 1
    assert trail["results"] == [status_update]


def test_a_status_update_with_a_stale_if_match_is_refused():
    client = api_client(analyst("maritime"))
    etag = client.get(COMMITMENT)["ETag"]
    change_status("MAR-01", Status.ON_TRACK, "Someone else got there first.")

    response = client.post(
        STATUS_UPDATE, {"status": "at_risk", "note": "Mine."}, HTTP_IF_MATCH=etag
    )

    assert_error(response, 412, "precondition_failed")
    target = commitment("MAR-01")
    assert (target.status, target.status_updates.count()) == (Status.ON_TRACK, 2)


def test_a_status_update_without_if_match_applies_to_the_current_version():
    change_status("MAR-01", Status.ON_TRACK, "First.")
    india = api_client(analyst("maritime"))
    japan = api_client(analyst("maritime", side="japan"))

    proposed = india.post(STATUS_UPDATE, {"status": "completed", "note": "Done."})
    confirmed = japan.post(STATUS_UPDATE, {"status": "completed", "note": "Agreed: done."})

    assert proposed.status_code == confirmed.status_code == 201
    assert (proposed.json()["from_status"], proposed.json()["to_status"]) == ("on_track",) * 2
    assert (confirmed.json()["to_status"], confirmed.json()["to_progress"]) == ("completed", 100)
    trail = india.get(STATUS_UPDATE).json()["results"]
    assert [(e["side"], e["kind"], e["from_status"], e["to_status"]) for e in trail] == [
        ("japan", "confirm", "on_track", "completed"),
        ("india", "report", "on_track", "on_track"),
        ("japan", "confirm", "not_started", "on_track"),
        ("india", "report", "not_started", "not_started"),
    ]


# =========================================================================== CSV


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    "ask",
    [
        lambda c, params: c.get(url("commitments"), {**params, "format": "csv"}),
        lambda c, params: c.get(url("commitments"), params, HTTP_ACCEPT="text/csv"),
    ],
    ids=["?format=csv", "Accept: text/csv"],
)
def test_csv_streams_a_header_and_one_row_per_filtered_commitment(ask):
    change_status("MAR-01", Status.AT_RISK)
    client = api_client(manager())

    header, *rows = read_csv(ask(client, {}))
    assert header[:4] == ["code", "pillar", "title", "status"]
    assert [row[0] for row in rows] == all_codes()
    assert all(len(row) == len(header) for row in rows)

    header, *rows = read_csv(ask(client, {"pillar": "maritime"}))
    assert {row[0] for row in rows} == pillar_codes("maritime")
    assert len(rows) == 7
    assert {row[header.index("pillar")] for row in rows} == {"maritime"}

    _header, *rows = read_csv(ask(client, {"pillar": "maritime", "status": "at_risk"}))
    assert [(row[0], row[3]) for row in rows] == [("MAR-01", "at_risk")]


def test_a_bad_filter_on_the_csv_is_a_400():
    response = api_client(manager()).get(url("commitments"), {"format": "csv", "pillar": "x"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/csv")


def test_a_viewer_may_not_export_csv():
    response = api_client(viewer()).get(url("commitments"), {"format": "csv"})

    assert response.status_code == 403


# =========================================================================== dashboard


def test_the_dashboard_counts_what_the_data_holds():
    change_status("MAR-01", Status.AT_RISK, "Port calls postponed.")
    change_status("MAR-02", Status.ON_TRACK, "On plan.", progress=70)
    # India alone gives MAR-04 as off track: the sides disagree and Japan is awaited.
    services.status_update_create(
        commitment=commitment("MAR-04"),
        author=analyst("maritime"),
        status=Status.OFF_TRACK,
        note="Funding gap.",
        expected_version=None,
    )
    overdue = make_milestone("MAR-03", "Overdue step", due_date=days(-3))
    make_milestone("MAR-03", "Due step", due_date=days(10))

    body = api_client(viewer()).get(url("dashboard")).json()

    maritime = next(p for p in body["pillars"] if p["slug"] == "maritime")
    assert maritime["by_status"]["at_risk"] == {
        "label": "At risk",
        "count": 1,
        "link": "/commitments/?pillar=maritime&status=at_risk",
    }
    assert maritime["by_status"]["not_started"]["count"] == 5  # MAR-04's official status too
    assert maritime["by_status"]["on_track"]["count"] == 1
    assert maritime["commitments"] == 7
    assert maritime["progress"] == 10  # (70 + 0 × 6) / 7
    assert maritime["link"] == "/commitments/?pillar=maritime"
    assert {p["slug"]: p["commitments"] for p in body["pillars"]} == {
        p.slug: p.commitments.count() for p in Pillar.objects.all()
    }
    assert body["overall"]["commitments"] == 62
    assert body["overall"]["by_status"]["at_risk"]["count"] == 1
    assert body["overall"]["by_status"]["not_started"]["count"] == 60
    assert body["overall"]["progress"] == 1  # 70 / 62
    sides = {s["lead_side"]: s["commitments"] for s in body["lead_sides"]}
    assert sides == {
        side: Commitment.objects.filter(lead_side=side).count()
        for side in ("india", "japan", "joint")
    }
    assert sum(sides.values()) == 62
    assert body["milestones_overdue"]["count"] == 1
    assert [m["id"] for m in body["milestones_overdue"]["items"]] == [overdue.pk]
    assert body["milestones_due"]["count"] == 1
    assert [
        (a["code"], a["side"], a["assessment"], a["to_status"]) for a in body["recent_activity"][:4]
    ] == [
        ("MAR-04", "india", "off_track", "not_started"),
        ("MAR-02", "japan", "on_track", "on_track"),
        ("MAR-02", "india", "on_track", "not_started"),
        ("MAR-01", "japan", "at_risk", "at_risk"),
    ]
    assert body["as_of"] == str(timezone.localdate())
    disagree = {"count": 1, "link": "/commitments/?sides_agree=false"}
    assert body["sides_disagree"] == body["overall"]["sides_disagree"] == disagree
    assert maritime["sides_disagree"] == {
        "count": 1,
        "link": "/commitments/?pillar=maritime&sides_agree=false",
    }
    assert body["awaiting"] == {
        "india": {"label": "India", "count": 0, "link": "/commitments/?awaiting_side=india"},
        "japan": {"label": "Japan", "count": 1, "link": "/commitments/?awaiting_side=japan"},
    }
    assert maritime["awaiting"]["japan"]["count"] == 1
    defence = next(p for p in body["pillars"] if p["slug"] == "defence")
    assert defence["sides_disagree"]["count"] == defence["awaiting"]["japan"]["count"] == 0


def test_each_dashboard_link_lists_as_many_commitments_as_its_figure_counts():
    change_status("MAR-01", Status.AT_RISK)
    change_status("DEF-01", Status.OFF_TRACK)
    Commitment.objects.update(created_at=timezone.now())
    Commitment.objects.filter(code__in=["IND-01", "IND-02", "MAR-01"]).update(
        created_at=timezone.now() - datetime.timedelta(days=200)
    )
    client = api_client(viewer())
    body = client.get(url("dashboard")).json()
    figures = [(body["stale"]["link"], body["stale"]["count"])]
    for group in [body["overall"], *body["pillars"], *body["lead_sides"]]:
        figures.append((group["link"], group["commitments"]))
        figures += [(f["link"], f["count"]) for f in group["by_status"].values()]

    for link, count in figures:
        path, _, query = link.partition("?")
        assert path == "/commitments/"
        listed = client.get(f"{url('commitments')}?{query}")
        assert listed.status_code == 200, (link, listed.json())
        assert listed.json()["count"] == count, link
    assert body["stale"]["count"] == 2  # MAR-01 has a recent status update
    assert {s["code"] for s in body["stale"]["items"]} == {"IND-01", "IND-02"}


# =========================================================================== query counts


def queries_for(client, path: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(captured)


@pytest.fixture
def many_commitments(loaded):
    """Commitments enough to fill a page of 100, with owners, organisations and trails."""
    owners = [analyst("technology") for _ in range(5)]
    organisations = list(Organisation.objects.all()[:4])
    base = commitment("TEC-01")
    made = Commitment.objects.bulk_create(
        Commitment(
            code=f"TEC-{n}",
            declaration_id=base.declaration_id,
            pillar=base.pillar,
            title=f"Extra commitment {n}",
            source_clause=base.source_clause,
            paragraph=base.paragraph,
            responsible_india=owners[n % 5],
        )
        for n in range(100, 160)
    )
    Commitment.lead_organisations.through.objects.bulk_create(
        Commitment.lead_organisations.through(commitment_id=c.pk, organisation_id=o.pk)
        for c in made
        for o in organisations[: 1 + c.pk % 4]
    )
    for code in ("TEC-100", "TEC-101", "MAR-01"):
        change_status(code, Status.ON_TRACK)


@pytest.fixture
def many_milestones(loaded):
    owners = [analyst("maritime") for _ in range(5)]
    targets = list(Commitment.objects.order_by("code")[:30])
    Milestone.objects.bulk_create(
        Milestone(
            commitment=targets[n % 30],
            title=f"Step {n}",
            due_date=days(n - 20),
            owner=owners[n % 5],
            completed_on=days(-1) if n % 7 == 0 else None,
            side="india",
        )
        for n in range(120)
    )


@pytest.mark.usefixtures("many_commitments")
def test_listing_commitments_takes_as_many_queries_for_100_rows_as_for_10():
    client = api_client(viewer())

    ten, hundred = (queries_for(client, url("commitments"), n) for n in (10, 100))

    assert ten == hundred
    # One of them the partners (frameworks, multilateral bodies) of the page, one the pending
    # proposed changes of shared terms, one each side's own contexts, one the clauses in the
    # official texts (`official_clauses`: a prefetch, since a page's commitments each have
    # their own; the summary they are quoted from is joined, no query of its own).
    assert hundred <= 11


@pytest.mark.usefixtures("many_milestones")
def test_listing_milestones_takes_as_many_queries_for_100_rows_as_for_10():
    client = api_client(viewer())

    ten, hundred = (queries_for(client, url("milestones"), n) for n in (10, 100))

    assert ten == hundred
    assert hundred <= 6


# =========================================================================== tokens


def created_token(username: str, *args: str) -> str:
    out = io.StringIO()
    call_command("drf_create_token", username, *args, stdout=out)
    match = re.search(r"Generated token (\w+) for user", out.getvalue())
    assert match, out.getvalue()
    return match.group(1)


def with_token(key: str):
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_from_the_management_command_signs_in_until_it_is_revoked():
    user = viewer()
    key = created_token(user.username)
    client = with_token(key)

    assert client.get(url("commitments")).json()["count"] == 62

    user_keys_revoke(user)
    assert_error(client.get(url("commitments")), 401, "authentication_failed")


def test_a_reset_token_replaces_the_old_one():
    user = viewer()
    old = created_token(user.username)
    new = created_token(user.username, "--reset")

    assert new != old
    assert_error(with_token(old).get(url("pillars")), 401, "authentication_failed")
    assert with_token(new).get(url("pillars")).status_code == 200


@pytest.mark.parametrize(
    "authorization", ["Token not-a-real-key", "Token", "Token a b", "Bearer abc", "Basic Og=="]
)
def test_bad_credentials_are_a_401_with_a_challenge(authorization):
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=authorization)

    assert_error(client.get(url("commitments")), 401)


def test_an_inactive_users_token_no_longer_works():
    user = analyst("maritime")
    client = api_client(user)
    user.is_active = False
    user.save()

    assert_error(client.get(url("commitments")), 401, "authentication_failed")
