"""The browser pages of commitments: who sees and may do what, in-place updates, exports."""

import csv
import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, Milestone, StatusUpdate, User
from tests.commitments.test_reminder_delivery import worker_database_url
from tests.factories import (
    agreed,
    analyst,
    chief,
    commitment,
    days,
    india_led,
    manager,
    updated,
    viewer,
)

pytestmark = pytest.mark.usefixtures("loaded")
HTMX = {"HTTP_HX_REQUEST": "true"}


def detail(code="MAR-01"):
    return reverse("commitment-detail", args=[code])


def status_url(code="MAR-01"):
    return reverse("commitment-status", args=[code])


def logged_in(client, user):
    client.force_login(user)
    return client


# --------------------------------------------------------------------------- log-in


@pytest.mark.parametrize("path", ["/", "/commitments/", "/commitments/MAR-01/", "/declaration/"])
def test_every_page_needs_a_log_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_the_log_in_form_has_labelled_username_and_password(client):
    html = client.get("/accounts/login/").content.decode()

    assert '<label for="id_login">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html


def test_logging_in_and_out(client):
    user = viewer(username="reader")

    response = client.post(
        "/accounts/login/", {"login": "reader", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200

    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302
    assert user.is_authenticated


def test_a_wrong_password_is_told_on_the_form(client):
    viewer(username="reader")

    response = client.post("/accounts/login/", {"login": "reader", "password": "nope"})

    assert response.status_code == 200
    assert "The username and/or password you specified are not correct." in (
        response.content.decode()
    )


def test_a_user_without_a_role_gets_a_friendly_403(client):
    logged_in(client, User.objects.create_user("nobody", password="a-long-test-password"))

    response = client.get("/commitments/")

    assert response.status_code == 403
    assert "You cannot do that" in response.content.decode()


def test_an_unknown_commitment_gets_a_friendly_404(client):
    response = logged_in(client, viewer()).get(detail("ZZZ-99"))

    assert response.status_code == 404
    assert "There is no page at this address" in response.content.decode()


# --------------------------------------------------------------------------- the list


def codes_in(response) -> list[str]:
    return [c.code for c in response.context["page"]]


def test_the_list_filters_by_pillar_and_status_from_the_query_string(client):
    agreed("MAR-02", Status.AT_RISK, "Slots unconfirmed.")

    response = logged_in(client, viewer()).get("/commitments/?pillar=maritime&status=at_risk")

    assert codes_in(response) == ["MAR-02"]
    assert response.context["total"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("search=ReCAAP", ["MAR-05"]),
        ("lead_side=joint&pillar=dialogue&sort=-progress", None),
        ("organisation=jp-jcg&pillar=maritime", None),
    ],
)
def test_search_and_other_filters(client, query, expected):
    response = logged_in(client, viewer()).get(f"/commitments/?{query}")

    assert response.status_code == 200
    if expected is not None:
        assert codes_in(response) == expected
    else:
        assert codes_in(response), "the filter should match something in the declaration"


def test_each_active_filter_is_a_chip_whose_link_drops_it_and_keeps_the_rest(client):
    response = logged_in(client, viewer()).get(
        "/commitments/?pillar=maritime&status=on_track&status=at_risk&priority=high&sort=title"
    )

    chips = {chip["label"]: chip["href"] for chip in response.context["chips"]}
    assert chips == {
        "Pillar: Maritime security": "/commitments/?status=on_track&status=at_risk"
        "&priority=high&sort=title",
        "Official status: On track": "/commitments/?pillar=maritime&status=at_risk"
        "&priority=high&sort=title",
        "Official status: At risk": "/commitments/?pillar=maritime&status=on_track"
        "&priority=high&sort=title",
        "Priority: High": "/commitments/?pillar=maritime&status=on_track&status=at_risk&sort=title",
    }
    html = response.content.decode()
    # Priority lies behind "More filters", which opens since one of its filters is set.
    assert '<details class="more-filters" id="more-filters" open>' in html
    common = logged_in(client, viewer()).get("/commitments/?pillar=maritime")
    assert '<details class="more-filters" id="more-filters">' in common.content.decode()
    assert logged_in(client, viewer()).get("/commitments/").context["chips"] == []


def test_a_bad_filter_value_is_shown_beside_its_field_not_a_500(client):
    response = logged_in(client, viewer()).get("/commitments/?pillar=atlantis")

    assert response.status_code == 400
    assert codes_in(response) == []
    assert "Select a valid choice" in response.content.decode()


def test_pages_and_counts(client):
    response = logged_in(client, viewer()).get("/commitments/?page_size=25&page=2")

    assert len(codes_in(response)) == 25
    assert response.context["total"] == Commitment.objects.count()
    assert "Page 2 of 3" in response.content.decode()


def test_empty_filter_fields_from_the_form_are_ignored(client):
    response = logged_in(client, viewer()).get("/commitments/?pillar=&lead_side=&search=")

    assert response.context["total"] == Commitment.objects.count()


# --------------------------------------------------------------------------- a commitment


def test_the_commitment_page_shows_its_clause_owners_milestones_and_trail(client):
    author = analyst("maritime")
    target = commitment("MAR-05")
    services.milestone_create(
        commitment=target, actor=author, title="Link ReCAAP ISC", due_date=days(9)
    )
    target.refresh_from_db()
    services.status_update_create(
        commitment=target,
        author=author,
        status=Status.ON_TRACK,
        note="Liaison agreed.",
        evidence_url="https://example.org/minutes",
        expected_version=target.version,
    )

    html = logged_in(client, viewer()).get(detail("MAR-05")).content.decode()

    assert target.source_clause in html
    assert "Japan Coast Guard" in html
    assert "Link ReCAAP ISC" in html
    assert "Liaison agreed." in html
    assert 'href="https://example.org/minutes"' in html


@pytest.mark.parametrize("make_user", [viewer, manager, lambda: analyst("defence")])
def test_readers_and_other_pillars_see_no_edit_control(client, make_user):
    html = logged_in(client, make_user()).get(detail("MAR-01")).content.decode()

    assert "Save status update" not in html
    assert "Add a milestone" not in html


@pytest.mark.parametrize("make_user", [viewer, manager, lambda: analyst("defence")])
def test_a_forged_status_post_is_refused_with_403(client, make_user):
    response = logged_in(client, make_user()).post(
        status_url(), {"status": "completed", "note": "Forged.", "version": 1}
    )

    assert response.status_code == 403
    assert not StatusUpdate.objects.filter(commitment__code="MAR-01").exists()


def test_an_analyst_updates_status_in_place(client):
    india_led("MAR-01")
    logged_in(client, analyst("maritime"))

    response = client.post(
        status_url(), {"status": "at_risk", "note": "Berths not confirmed.", "version": 1}, **HTMX
    )

    assert response.status_code == 200
    assert response.templates[0].name == "commitments/partials/live.html"
    html = response.content.decode()
    assert 'id="current-status">At risk<' in html
    assert "Berths not confirmed." in html
    assert "India&#x27;s assessment of MAR-01 recorded." in html
    assert commitment("MAR-01").status == Status.AT_RISK


def test_without_javascript_the_status_form_posts_and_redirects(client):
    india_led("MAR-01")
    logged_in(client, analyst("maritime"))

    response = client.post(status_url(), {"status": "on_track", "note": "Fine.", "version": 1})

    assert response.status_code == 302
    assert response["Location"] == detail()
    assert commitment("MAR-01").status == Status.ON_TRACK


def test_a_status_update_without_a_note_shows_the_error_beside_the_field(client):
    logged_in(client, analyst("maritime"))

    response = client.post(status_url(), {"status": "at_risk", "note": "", "version": 1}, **HTMX)

    html = response.content.decode()
    assert 'id="id_note_error"' in html
    assert "This field is required." in html
    assert commitment("MAR-01").status == Status.NOT_STARTED


def test_a_stale_status_update_says_what_changed_and_overwrites_nothing(client):
    first = analyst("maritime", first_name="Asha")
    services.status_update_create(
        commitment=commitment(),
        author=first,
        status=Status.OFF_TRACK,
        note="Port closed for repairs.",
        expected_version=1,
    )
    logged_in(client, analyst("maritime"))

    response = client.post(
        status_url(), {"status": "on_track", "note": "All good.", "version": 1}, **HTMX
    )

    html = response.content.decode()
    assert "Someone else changed this commitment" in html
    assert "Port closed for repairs." in html
    assert "All good." in html  # the user's input is kept for a second look
    assert 'name="version" value="2"' in html
    target = commitment()
    assert target.india_status == Status.OFF_TRACK
    assert list(target.status_updates.values_list("note", flat=True)) == [
        "Port closed for repairs."
    ]


def test_milestones_are_added_edited_and_marked_done(client):
    logged_in(client, analyst("maritime"))
    client.post(
        reverse("milestone-add", args=["MAR-01"]),
        {"title": "Schedule agreed", "due_date": str(days(20)), "weight": 1},
        **HTMX,
    )
    milestone = Milestone.objects.get(commitment__code="MAR-01")

    client.post(
        reverse("milestone-edit", args=["MAR-01", milestone.pk]),
        {"title": "Schedule signed", "due_date": str(days(25)), "weight": 3, "version": 1},
        **HTMX,
    )
    client.post(reverse("milestone-done", args=["MAR-01", milestone.pk]), {"version": 2}, **HTMX)

    milestone.refresh_from_db()
    assert (milestone.title, milestone.weight, milestone.completed_on is not None) == (
        "Schedule signed",
        3,
        True,
    )
    assert commitment().progress == 100


def test_a_stale_milestone_edit_keeps_the_input_and_overwrites_nothing(client):
    author = analyst("maritime")
    target = commitment()
    milestone = services.milestone_create(
        commitment=target, actor=author, title="Draft", due_date=days(20)
    )
    services.milestone_update(milestone=milestone, actor=author, expected_version=1, title="Agreed")
    logged_in(client, author)

    response = client.post(
        reverse("milestone-edit", args=["MAR-01", milestone.pk]),
        {"title": "Mine", "due_date": str(days(20)), "weight": 1, "version": 1},
        **HTMX,
    )

    html = response.content.decode()
    assert "Someone else changed this milestone" in html
    assert 'value="Mine"' in html
    milestone.refresh_from_db()
    assert milestone.title == "Agreed"


def test_a_milestone_before_the_start_date_is_an_error_beside_the_field(client):
    author = chief()
    target = commitment()
    updated(target.code, start_date=days(10))  # agreed by both sides
    logged_in(client, author)

    response = client.post(
        reverse("milestone-add", args=["MAR-01"]),
        {"title": "Too early", "due_date": str(days(1)), "weight": 1},
        **HTMX,
    )

    assert 'id="id_due_date_error"' in response.content.decode()
    assert not Milestone.objects.filter(commitment__code="MAR-01").exists()


# --------------------------------------------------------------------------- exports


def test_the_filtered_list_exports_as_csv(client):
    response = logged_in(client, manager()).get("/commitments/export.csv?pillar=maritime")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["code", "pillar", "title"]
    assert [row[0] for row in rows[1:]] == [f"MAR-0{n}" for n in range(1, 8)]


def test_the_filtered_list_exports_as_excel(client):
    response = logged_in(client, manager()).get("/commitments/export.xlsx?pillar=dialogue")

    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == [f"DIA-0{n}" for n in range(1, 7)]


def test_viewers_do_not_export(client):
    logged_in(client, viewer())

    assert client.get("/commitments/export.csv").status_code == 403
    assert "Export CSV" not in client.get("/commitments/").content.decode()


# --------------------------------------------------------------------------- queries


def add_history(n: int) -> None:
    """Add n milestones and status updates spread over the maritime commitments."""
    author = chief()
    for i in range(n):
        target = commitment(f"MAR-0{i % 7 + 1}")
        services.milestone_create(
            commitment=target, actor=author, title=f"Step {i}", due_date=days(i - 5), owner=author
        )
        target.refresh_from_db()
        services.status_update_create(
            commitment=target,
            author=author,
            status=Status.ON_TRACK,
            note=f"Update {i}",
            expected_version=target.version,
        )


@pytest.mark.parametrize("path", ["/", "/commitments/?pillar=maritime", "/commitments/MAR-01/"])
def test_queries_do_not_grow_with_the_data(client, django_assert_max_num_queries, path):
    logged_in(client, manager())
    add_history(7)
    with django_assert_max_num_queries(20) as small:
        client.get(path)
    add_history(42)

    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(path)


def test_the_dashboard_figures_are_cached_until_something_changes(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    logged_in(client, manager())
    cold = client.get("/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    india_led("MAR-02")
    services.status_update_create(
        commitment=commitment("MAR-02"),
        author=analyst("maritime"),
        status=Status.AT_RISK,
        note="Slots unconfirmed.",
        expected_version=1,
    )
    after = client.get("/")

    assert cold.context["figures"]["overall"]["by_status"]["at_risk"]["count"] == 0
    assert not any("commitments_commitment" in q["sql"] for q in warm.captured_queries)
    assert after.context["figures"]["overall"]["by_status"]["at_risk"]["count"] == 1
    assert [a["code"] for a in after.context["figures"]["recent_activity"]] == ["MAR-02"]


def at_risk_on_the_dashboard(client) -> int:
    return client.get("/").context["figures"]["overall"]["by_status"]["at_risk"]["count"]


def test_a_write_in_another_process_retires_the_figures_this_process_cached(client):
    """Web processes share the cache (Redis in the tests, as in production with several), so
    the generation a write in one process moves on retires the copies every other holds."""
    logged_in(client, manager())
    assert at_risk_on_the_dashboard(client) == 0
    # Changed behind the cache's back (update() retires nothing): the cached figures stay.
    Commitment.objects.filter(code="MAR-02").update(status=Status.AT_RISK)
    assert at_risk_on_the_dashboard(client) == 0

    # What a write's services call does in the other process: move the generation on.
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from declaration_tracker.core import cache; "
            "cache.invalidate(cache.DASHBOARD)",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "TEST_DATABASE_URL": worker_database_url(),
            "TEST_CACHE_URL": settings.TEST_CACHE_URL,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert other.returncode == 0, other.stderr[-3000:]

    assert at_risk_on_the_dashboard(client) == 1


def test_exports_keep_text_that_looks_like_a_formula_as_text(client):
    target = commitment("MAR-01")
    services.commitment_update(
        commitment=target, actor=chief(), expected_version=1, title='=HYPERLINK("x")'
    )
    logged_in(client, manager())

    csv_rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get("/commitments/export.csv?search=MAR-01").streaming_content
                ).decode()
            )
        )
    )
    sheet = load_workbook(
        io.BytesIO(client.get("/commitments/export.xlsx?search=MAR-01").content)
    ).active

    assert csv_rows[1][2] == '\'=HYPERLINK("x")'
    assert sheet.cell(row=2, column=3).value == '\'=HYPERLINK("x")'
    # and an empty cell stays empty (MAR-01 has no start date), not a lone quote
    start = csv_rows[0].index("start_date")
    assert csv_rows[1][start] == ""
    assert sheet.cell(row=2, column=start + 1).value in ("", None)
