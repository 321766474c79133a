"""The notifications page, the reminder preferences page and the nav badge."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, override_settings
from django.utils import timezone

from commitments.models import User
from declaration_tracker.core.timezones import local_today
from notifications.choices import DigestState, ReminderKind
from notifications.context_processors import notifications
from notifications.models import Digest, Reminder, ReminderPreference
from tests.factories import analyst, viewer

pytestmark = pytest.mark.usefixtures("loaded")
LIST = "/notifications/"
PREFERENCES = "/notifications/preferences/"
_keys = itertools.count(1)


def logged_in(client, user):
    client.force_login(user)
    return client


def remind(user, kind, title, *, days_ago=0, path=None, detail="due today", **digest):
    """File a reminder as the sweep does: on the user's local day, hung on that day's digest."""
    day = local_today(user) - datetime.timedelta(days=days_ago)
    found, _created = Digest.objects.get_or_create(recipient=user, day=day, defaults=digest)
    key = next(_keys)
    return Reminder.objects.create(
        recipient=user,
        digest=found,
        day=day,
        kind=kind,
        item_key=f"milestone:{key}",
        title=title,
        detail=detail,
        path=path or f"/commitments/MAR-{key:02d}/",
    )


# --------------------------------------------------------------------------- the list


def test_the_list_shows_the_users_own_reminders_grouped_by_day_then_kind(client):
    me, other = viewer(), viewer()
    remind(
        me,
        ReminderKind.DUE_SOON,
        "MAR-01: Survey",
        path="/commitments/MAR-01/",
        detail="due 20 Sep 2025, in 7 days",
    )
    remind(
        me,
        ReminderKind.OVERDUE,
        "MAR-02: Plan",
        path="/commitments/MAR-02/",
        detail="due 1 Sep 2025, 1 day overdue",
    )
    remind(
        me,
        ReminderKind.MECHANISM,
        "Maritime dialogue",
        days_ago=3,
        path="/dialogues/maritime-dialogue/",
        detail="a meeting was due by 1 Aug 2025",
    )
    remind(other, ReminderKind.DUE_TODAY, "Someone else's item")

    response = logged_in(client, me).get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else&#x27;s item" not in html and "Someone else's item" not in html
    assert '<a href="/commitments/MAR-01/">MAR-01: Survey</a> — due 20 Sep 2025, in 7 days' in html
    assert '<a href="/commitments/MAR-02/">MAR-02: Plan</a>' in html
    assert '<a href="/dialogues/maritime-dialogue/">Maritime dialogue</a>' in html
    today, earlier = local_today(me), local_today(me) - datetime.timedelta(days=3)
    # Newest day first; within a day, kinds in ReminderKind order (overdue before due soon).
    positions = [
        html.index(f'id="day-{today:%Y-%m-%d}"'),
        html.index("<h3>Overdue</h3>"),
        html.index("MAR-02: Plan"),
        html.index("<h3>Due soon</h3>"),
        html.index("MAR-01: Survey"),
        html.index(f'id="day-{earlier:%Y-%m-%d}"'),
        html.index("<h3>Dialogue meeting overdue</h3>"),
    ]
    assert positions == sorted(positions)
    assert "<h3>Due today</h3>" not in html


def test_the_list_says_whether_each_days_digest_was_emailed(client):
    me = viewer()
    remind(me, ReminderKind.DUE_TODAY, "Today's item")
    remind(
        me,
        ReminderKind.DUE_TODAY,
        "Yesterday's item",
        days_ago=1,
        state=DigestState.SENT,
        sent_at=timezone.now(),
    )
    remind(
        me,
        ReminderKind.DUE_TODAY,
        "Older item",
        days_ago=2,
        state=DigestState.SKIPPED,
        note="e-mail turned off",
    )

    html = logged_in(client, me).get(LIST).content.decode()

    assert "E-mail pending" in html
    assert "E-mailed to you at" in html
    assert "Not e-mailed: e-mail turned off." in html


def test_the_list_leaves_out_reminders_older_than_30_days(client):
    me = viewer()
    remind(me, ReminderKind.STALE, "Recent enough", days_ago=29)
    remind(me, ReminderKind.STALE, "Too old", days_ago=30)

    html = logged_in(client, me).get(LIST).content.decode()

    assert "Recent enough" in html
    assert "Too old" not in html


def test_a_path_to_another_site_is_not_linked(client):
    me = viewer()
    remind(me, ReminderKind.DUE_TODAY, "Odd item", path="//evil.example/x")

    html = logged_in(client, me).get(LIST).content.decode()

    assert "Odd item" in html
    assert "evil.example" not in html


def test_the_list_has_an_empty_state(client):
    html = logged_in(client, viewer()).get(LIST).content.decode()

    assert "You have had no reminders in the last 30 days." in html


def _fill(user, days: int, per_kind: int) -> None:
    for day in range(days):
        for kind in ReminderKind.values:
            for n in range(per_kind):
                remind(
                    user,
                    kind,
                    f"{kind} {day} {n}",
                    days_ago=day,
                    state=[DigestState.SENT, DigestState.SKIPPED, DigestState.PENDING][day % 3],
                )


def test_the_list_costs_the_same_queries_whatever_the_number_of_reminders(
    client, django_assert_max_num_queries
):
    me = viewer()
    logged_in(client, me)
    _fill(me, days=2, per_kind=1)
    with django_assert_max_num_queries(12) as small:
        assert client.get(LIST).status_code == 200
    _fill(analyst(), days=3, per_kind=1)
    Reminder.objects.filter(recipient=me).delete()
    Digest.objects.filter(recipient=me).delete()
    _fill(me, days=20, per_kind=3)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST)

    assert (
        response.content.decode().count('<li><a href="/commitments/MAR-')
        == 20 * len(ReminderKind.values) * 3
    )


# --------------------------------------------------------------------------- preferences


def test_the_preferences_form_has_a_labelled_control_for_everything(client):
    html = logged_in(client, viewer()).get(PREFERENCES).content.decode()

    assert "<legend>Send me reminders about:</legend>" in html
    for n, (_kind, label) in enumerate(ReminderKind.choices):
        assert f'<label for="id_kinds_{n}">' in html
        assert f"{label}</label>" in html
    assert '<label for="id_lead_days">Days before a due date</label>' in html
    assert '<label for="id_email"><input type="checkbox" name="email"' in html
    assert "E-mail me a daily digest</label>" in html
    # The default is every kind wanted, the tracker's lead days, and e-mail on.
    assert html.count("checked") == len(ReminderKind.values) + 1


@override_settings(TRACKER_REMINDERS={"lead_days": [21, 3]})
def test_the_default_lead_days_are_shown_as_help(client):
    html = logged_in(client, viewer()).get(PREFERENCES).content.decode()

    assert "Leave empty for the tracker&#x27;s default: 21, 3." in html


def test_saving_stores_muted_kinds_lead_days_and_email(client):
    me = viewer()
    logged_in(client, me)

    response = client.post(
        PREFERENCES, {"kinds": ["overdue", "due_soon"], "lead_days": " 7, 30,3 ,7"}
    )

    assert response.status_code == 302
    assert response["Location"] == PREFERENCES
    stored = ReminderPreference.objects.get(user=me)
    assert stored.muted_kinds == [
        "due_today",
        "awaiting",
        "stale",
        "escalation",
        "mechanism",
        "mention",
    ]
    assert stored.lead_days == [30, 7, 3]
    assert stored.email is False
    page = client.get(PREFERENCES).content.decode()
    assert "Your reminder preferences are saved." in page
    assert 'value="30, 7, 3"' in page
    assert page.count("checked") == 2

    client.post(PREFERENCES, {"kinds": ReminderKind.values, "lead_days": "", "email": "on"})

    stored.refresh_from_db()
    assert (stored.muted_kinds, stored.lead_days, stored.email) == ([], [], True)
    assert ReminderPreference.objects.filter(user=me).count() == 1


@pytest.mark.parametrize("lead_days", ["0", "x", "61", "3,,4", "-2", "7.5", "14 7"])
def test_invalid_lead_days_are_refused_beside_the_field_and_nothing_is_stored(client, lead_days):
    me = viewer()
    logged_in(client, me)

    response = client.post(PREFERENCES, {"kinds": ["overdue"], "lead_days": lead_days})

    assert response.status_code == 200
    html = response.content.decode()
    error_at = html.index('<small class="error" id="id_lead_days_error" role="alert">')
    assert html.index('id="id_lead_days"') < error_at < html.index('id="id_email"')
    assert not ReminderPreference.objects.filter(user=me).exists()


def test_invalid_input_leaves_stored_preferences_alone(client):
    me = viewer()
    ReminderPreference.objects.create(user=me, muted_kinds=["stale"], lead_days=[5])
    logged_in(client, me)

    client.post(PREFERENCES, {"kinds": [], "lead_days": "61"})

    stored = ReminderPreference.objects.get(user=me)
    assert (stored.muted_kinds, stored.lead_days, stored.email) == (["stale"], [5], True)


# --------------------------------------------------------------------------- the nav badge


BADGE = '<span class="badge">{}<span class="visually-hidden"> new today</span></span>'


def test_the_nav_counts_todays_reminders_of_the_user(client):
    me = viewer()
    for n in range(3):
        remind(me, ReminderKind.DUE_TODAY, f"Item {n}")
    remind(me, ReminderKind.OVERDUE, "Yesterday", days_ago=1)
    remind(viewer(), ReminderKind.OVERDUE, "Someone else's")

    html = logged_in(client, me).get("/").content.decode()

    assert '<a href="/notifications/"' in html
    assert BADGE.format(3) in html


def test_the_nav_shows_no_badge_without_reminders_today(client):
    me = viewer()
    remind(me, ReminderKind.OVERDUE, "Yesterday", days_ago=1)

    html = logged_in(client, me).get("/").content.decode()

    assert '<a href="/notifications/"' in html
    assert '<span class="badge">' not in html.split('href="/notifications/"')[1].split("</li>")[0]


def test_the_badge_costs_two_queries_and_none_for_anonymous_users(django_assert_num_queries):
    """The reminders, and the markings of the milestones they name: it counts only those the
    user may still read, as the list shows."""
    me = viewer()
    remind(me, ReminderKind.DUE_TODAY, "Item")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications(request) == {}

    request.user = me
    with django_assert_num_queries(2):
        count = notifications(request)["notifications_today"]
        assert count() == 1
        assert count() == 1


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize("path", [LIST, PREFERENCES])
def test_the_pages_need_a_log_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", [LIST, PREFERENCES])
def test_a_user_without_a_role_gets_403(client, path):
    nobody = User.objects.create_user("nobody", password="a-long-test-password")
    logged_in(client, nobody)

    assert client.get(path).status_code == 403
    assert client.post(PREFERENCES, {"lead_days": "3"}).status_code == 403
    assert not ReminderPreference.objects.filter(user=nobody).exists()


@pytest.mark.parametrize("role", ["viewer", "analyst", "manager", "superuser"])
def test_every_role_may_use_the_pages(client, role):
    from tests import factories

    user = getattr(factories, role)()
    logged_in(client, user)

    assert client.get(LIST).status_code == 200
    assert client.post(PREFERENCES, {"kinds": ["overdue"], "email": "on"}).status_code == 302
    assert ReminderPreference.objects.get(user=user).email is True
