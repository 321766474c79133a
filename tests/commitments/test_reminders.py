"""Deadline reminders: the policy, its time zones and preferences, claiming once, the digest.

Every service is called with an explicit `now=` instant (the frozen clock), so each test says
exactly which moment of which local day it is in Delhi and in Tokyo.
"""

import datetime
import re
import zoneinfo
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import resolve

from access.choices import Side
from commitments.choices import Status
from commitments.models import Commitment, Milestone, StatusUpdate, User
from dialogues.choices import ActionItemState, MeetingState
from dialogues.models import ActionItem, DialogueMechanism, Meeting
from notifications import emails, selectors, services
from notifications.choices import DigestState, ReminderKind
from notifications.models import Digest, Reminder, ReminderPreference
from tests.factories import UserFactory, commitment, manager

pytestmark = pytest.mark.usefixtures("loaded")

UTC = datetime.UTC
DELHI = zoneinfo.ZoneInfo("Asia/Kolkata")
NOW = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 11:30 in Delhi, 15:00 in Tokyo
TODAY = NOW.date()

DUE_SOON, DUE_TODAY, OVERDUE = ReminderKind.DUE_SOON, ReminderKind.DUE_TODAY, ReminderKind.OVERDUE
ESCALATION, STALE, MECHANISM = ReminderKind.ESCALATION, ReminderKind.STALE, ReminderKind.MECHANISM


def utc(year, month, day, hour=6, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


def india(**kwargs) -> User:
    return UserFactory(side=Side.INDIA, **kwargs)


def japan(**kwargs) -> User:
    return UserFactory(side=Side.JAPAN, **kwargs)


def milestone_due(owner, due, code="MAR-01", title="Joint exercise held", **kwargs) -> Milestone:
    kwargs.setdefault("side", "india")
    return Milestone.objects.create(
        commitment=commitment(code), title=title, due_date=due, owner=owner, **kwargs
    )


def action_item_due(owner, due, *, linked=None, state=ActionItemState.OPEN) -> ActionItem:
    meeting = Meeting.objects.create(
        mechanism=DialogueMechanism.objects.get(slug="nsa-consultations"),
        date=datetime.date(2026, 1, 15),
        state=MeetingState.HELD,
        side="india",
    )
    return ActionItem.objects.create(
        side="india",
        meeting=meeting,
        title="Share the draft roadmap",
        owner=owner,
        due_date=due,
        state=state,
        completed_on=TODAY if state == ActionItemState.DONE else None,
        commitment=commitment(linked) if linked else None,
    )


def heard(now) -> set[tuple[str, str, str]]:
    """Claim what is due at `now`; return the newly logged (recipient, kind, item) triples."""
    before = list(Reminder.objects.values_list("pk", flat=True))
    services.reminders_claim(selectors.reminders_due(now), now=now)
    return {
        (r.recipient.username, r.kind, r.item_key)
        for r in Reminder.objects.exclude(pk__in=before).select_related("recipient")
    }


def logged(user) -> list[tuple[datetime.date, str, str, str]]:
    return list(
        Reminder.objects.filter(recipient=user)
        .order_by("day", "kind")
        .values_list("day", "kind", "item_key", "detail")
    )


def key(item) -> str:
    return f"{'milestone' if isinstance(item, Milestone) else 'action'}:{item.pk}"


# --- the policy: who hears what, when --------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "kind", "detail"),
    [
        (14, DUE_SOON, "due 16 Mar 2026, in 14 days"),
        (7, DUE_SOON, "due 9 Mar 2026, in 7 days"),
        (1, DUE_SOON, "due 3 Mar 2026, in 1 day"),
        (0, DUE_TODAY, "due today"),
        (-1, OVERDUE, "due 1 Mar 2026, 1 day overdue"),
        (-8, OVERDUE, "due 22 Feb 2026, 8 days overdue"),
        (-15, OVERDUE, "due 15 Feb 2026, 15 days overdue"),
    ],
)
def test_a_milestone_owner_hears_before_on_and_after_the_due_date(days_left, kind, detail):
    owner = india()
    item = milestone_due(owner, TODAY + datetime.timedelta(days=days_left))

    assert heard(NOW) == {(owner.username, kind, key(item))}
    assert logged(owner) == [(TODAY, kind, key(item), detail)]
    reminder = Reminder.objects.get(recipient=owner)
    assert reminder.title == "MAR-01: Joint exercise held"
    assert reminder.path == "/commitments/MAR-01/"
    assert reminder.digest == Digest.objects.get(recipient=owner, day=TODAY)


@pytest.mark.parametrize("days_left", [2, 6, 8, 13, 15, -2, -7, -9, -14])
def test_a_milestone_owner_hears_nothing_on_the_days_in_between(days_left):
    owner = india()
    milestone_due(owner, TODAY + datetime.timedelta(days=days_left))

    assert heard(NOW) == set()
    assert not Digest.objects.exists()


def test_on_the_eighth_day_overdue_the_responsible_user_and_the_pillar_managers_hear():
    owner, responsible = india(), india()
    boss = manager(pillars=["maritime"])
    tokyo_boss = manager(pillars=["maritime", "defence"], side=Side.JAPAN)
    other_boss = manager(pillars=["defence"])
    Commitment.objects.filter(code="MAR-01").update(responsible_india=responsible)
    item = milestone_due(owner, TODAY - datetime.timedelta(days=8))

    assert heard(NOW) == {
        (owner.username, OVERDUE, key(item)),
        (responsible.username, ESCALATION, key(item)),
        (boss.username, ESCALATION, key(item)),
        (tokyo_boss.username, ESCALATION, key(item)),
    }
    assert logged(boss) == [
        (TODAY, ESCALATION, key(item), "due 22 Feb 2026, 8 days overdue: escalated")
    ]
    assert logged(other_boss) == []


def test_an_escalation_states_the_days_overdue_in_both_languages():
    from django.utils import translation

    from notifications.messages import detail_rendered, render

    item = milestone_due(india(), TODAY - datetime.timedelta(days=8))
    boss = manager(pillars=["maritime"])
    heard(NOW)
    reminder = Reminder.objects.get(recipient=boss, item_key=key(item))

    with translation.override("ja"):
        assert detail_rendered(reminder) == "期限2026年2月22日、期限を8日超過（エスカレーション）"
    with translation.override("ja"):
        assert render("escalation", {"due": "2026-02-22", "days": 7, "overdue": 9}) == (
            "期限2026年2月22日、期限を9日超過（エスカレーション）"
        )
        # A reminder filed before the days were recorded: on the day after the threshold.
        assert render("escalation", {"due": "2026-02-22", "days": 7}) == (
            "期限2026年2月22日、期限を8日超過（エスカレーション）"
        )
    with translation.override("en"):
        assert render("escalation", {"due": "2026-02-22", "days": 7, "overdue": 9}) == (
            "due 22 Feb 2026, 9 days overdue: escalated"
        )


@pytest.mark.parametrize("days_overdue", [7, 9, 15, 22])
def test_the_escalation_comes_once_on_the_eighth_day_only(days_overdue):
    owner, responsible = india(), india()
    boss = manager(pillars=["maritime"])
    Commitment.objects.filter(code="MAR-01").update(responsible_india=responsible)
    milestone_due(owner, TODAY - datetime.timedelta(days=days_overdue))

    recipients = {username for username, _kind, _item in heard(NOW)}

    assert responsible.username not in recipients
    assert boss.username not in recipients


def test_an_owner_who_is_also_responsible_hears_it_as_overdue_only():
    owner = india()
    Commitment.objects.filter(code="MAR-01").update(responsible_india=owner)
    item = milestone_due(owner, TODAY - datetime.timedelta(days=8))

    assert heard(NOW) == {(owner.username, OVERDUE, key(item))}


@pytest.mark.parametrize("days_left", [14, 7, 1, 0, -1, -8])
def test_a_completed_milestone_reminds_nobody(days_left):
    owner, responsible = india(), india()
    boss = manager(pillars=["maritime"])
    Commitment.objects.filter(code="MAR-01").update(responsible_india=responsible)
    milestone_due(owner, TODAY + datetime.timedelta(days=days_left), completed_on=TODAY)

    assert heard(NOW) == set()
    assert not Reminder.objects.filter(recipient__in=[owner, responsible, boss]).exists()


@pytest.mark.parametrize(
    ("days_left", "kind"),
    [(14, DUE_SOON), (7, DUE_SOON), (1, DUE_SOON), (0, DUE_TODAY), (-1, OVERDUE), (-8, OVERDUE)],
)
def test_an_open_action_item_owner_hears_as_a_milestone_owner_does(days_left, kind):
    owner = india()
    item = action_item_due(owner, TODAY + datetime.timedelta(days=days_left), linked="MAR-02")

    assert heard(NOW) == {(owner.username, kind, key(item))}
    reminder = Reminder.objects.get(recipient=owner)
    assert reminder.title == "MAR-02: Share the draft roadmap"
    assert reminder.path == f"/dialogues/meetings/{item.meeting_id}/"
    assert resolve(reminder.path).url_name == "meeting-detail"


@pytest.mark.parametrize("days_left", [2, 13, -2])
def test_an_action_item_owner_hears_nothing_on_the_days_in_between(days_left):
    action_item_due(india(), TODAY + datetime.timedelta(days=days_left))

    assert heard(NOW) == set()


@pytest.mark.parametrize("state", [ActionItemState.DONE, ActionItemState.DROPPED])
@pytest.mark.parametrize("days_left", [7, 0, -1, -8])
def test_a_closed_action_item_reminds_nobody(state, days_left):
    action_item_due(india(), TODAY + datetime.timedelta(days=days_left), state=state)
    manager(pillars=["dialogue"])

    assert heard(NOW) == set()


def test_an_action_item_eight_days_overdue_escalates_to_its_responsible_user_and_managers():
    owner, responsible = india(), india()
    dialogue_boss = manager(pillars=["dialogue"])
    Commitment.objects.filter(code="MAR-02").update(responsible_india=responsible)
    linked = action_item_due(owner, TODAY - datetime.timedelta(days=8), linked="MAR-02")
    unlinked = action_item_due(owner, TODAY - datetime.timedelta(days=8))

    found = heard(NOW)

    assert (responsible.username, ESCALATION, key(linked)) in found
    assert (responsible.username, ESCALATION, key(unlinked)) not in found
    assert (dialogue_boss.username, ESCALATION, key(unlinked)) in found
    assert {
        (owner.username, OVERDUE, key(linked)),
        (owner.username, OVERDUE, key(unlinked)),
    } <= found


# --- local days and the send hour --------------------------------------------------------------


def test_an_india_user_hears_from_nine_in_the_morning_india_time():
    owner = india()
    item = milestone_due(owner, datetime.date(2026, 3, 9))

    assert heard(utc(2026, 3, 2, 3, 29)) == set()  # 08:59 in Delhi
    assert not Digest.objects.exists()

    assert heard(utc(2026, 3, 2, 3, 30)) == {(owner.username, DUE_SOON, key(item))}  # 09:00
    digest = Digest.objects.get()
    assert (digest.recipient, digest.day, digest.state) == (
        owner,
        datetime.date(2026, 3, 2),
        DigestState.PENDING,
    )


def test_a_japan_user_hears_from_nine_in_the_morning_japan_time():
    owner = japan()
    assert owner.time_zone == "Asia/Tokyo"
    item = milestone_due(owner, datetime.date(2026, 3, 9))

    assert heard(utc(2026, 3, 1, 23, 59)) == set()  # 08:59 on 2 March in Tokyo
    assert not Digest.objects.exists()

    assert heard(utc(2026, 3, 2, 0, 0)) == {(owner.username, DUE_SOON, key(item))}  # 09:00
    assert logged(owner) == [
        (datetime.date(2026, 3, 2), DUE_SOON, key(item), "due 9 Mar 2026, in 7 days")
    ]


def test_around_midnight_each_recipient_is_reminded_by_their_own_local_date():
    """At 18:00 UTC on 2 March it is still 2 March in UTC (and in Delhi, 23:30), but already
    3 March in Tokyo (03:00). A milestone due on 3 March is "tomorrow" by the UTC date and due
    today in Tokyo: Delhi hears "in 1 day"; Tokyo hears nothing before 09:00 on 3 March, then
    hears it is due today, and its milestone due on 4 March is due tomorrow by the Tokyo date."""
    in_delhi, in_tokyo = india(), japan()
    delhi_item = milestone_due(in_delhi, datetime.date(2026, 3, 3))
    tokyo_item = milestone_due(in_tokyo, datetime.date(2026, 3, 3))
    tokyo_next = milestone_due(in_tokyo, datetime.date(2026, 3, 4), code="MAR-02")

    assert heard(utc(2026, 3, 2, 18, 0)) == {(in_delhi.username, DUE_SOON, key(delhi_item))}
    assert heard(utc(2026, 3, 2, 23, 59)) == set()  # Tokyo 08:59, Delhi 05:29 on 3 March

    assert heard(utc(2026, 3, 3, 0, 0)) == {
        (in_tokyo.username, DUE_TODAY, key(tokyo_item)),
        (in_tokyo.username, DUE_SOON, key(tokyo_next)),
    }
    assert logged(in_tokyo) == [
        (datetime.date(2026, 3, 3), DUE_SOON, key(tokyo_next), "due 4 Mar 2026, in 1 day"),
        (datetime.date(2026, 3, 3), DUE_TODAY, key(tokyo_item), "due today"),
    ]
    assert heard(utc(2026, 3, 3, 3, 30)) == {(in_delhi.username, DUE_TODAY, key(delhi_item))}
    assert sorted(Digest.objects.values_list("recipient", "day")) == [
        (in_delhi.pk, datetime.date(2026, 3, 2)),
        (in_delhi.pk, datetime.date(2026, 3, 3)),
        (in_tokyo.pk, datetime.date(2026, 3, 3)),
    ]


def test_a_user_west_of_utc_is_reminded_by_their_local_date_after_utc_midnight():
    """In Delhi and Tokyo the local date equals the UTC date whenever it is past 09:00; for a
    user posted in Washington it does not: 01:00 UTC on 3 March is 20:00 on 2 March there."""
    posted_abroad = india(time_zone="America/New_York")
    item = milestone_due(posted_abroad, datetime.date(2026, 3, 3))

    assert heard(utc(2026, 3, 3, 1, 0)) == {(posted_abroad.username, DUE_SOON, key(item))}
    assert logged(posted_abroad) == [
        (datetime.date(2026, 3, 2), DUE_SOON, key(item), "due 3 Mar 2026, in 1 day")
    ]
    assert heard(utc(2026, 3, 3, 13, 59)) == set()  # 08:59 on 3 March in Washington
    assert heard(utc(2026, 3, 3, 14, 0)) == {(posted_abroad.username, DUE_TODAY, key(item))}


@pytest.mark.parametrize("make_user", [india, japan], ids=["delhi", "tokyo"])
@pytest.mark.parametrize(
    ("seen_on", "due", "kind", "detail"),
    [
        ("2026-02-28", "2026-03-01", DUE_SOON, "due 1 Mar 2026, in 1 day"),
        ("2026-02-28", "2026-03-07", DUE_SOON, "due 7 Mar 2026, in 7 days"),
        ("2026-02-28", "2026-03-14", DUE_SOON, "due 14 Mar 2026, in 14 days"),
        ("2026-03-01", "2026-02-28", OVERDUE, "due 28 Feb 2026, 1 day overdue"),
        ("2026-12-30", "2026-12-31", DUE_SOON, "due 31 Dec 2026, in 1 day"),
        ("2026-12-31", "2027-01-01", DUE_SOON, "due 1 Jan 2027, in 1 day"),
        ("2026-12-25", "2027-01-01", DUE_SOON, "due 1 Jan 2027, in 7 days"),
        ("2027-01-01", "2026-12-31", OVERDUE, "due 31 Dec 2026, 1 day overdue"),
        ("2027-01-08", "2026-12-31", OVERDUE, "due 31 Dec 2026, 8 days overdue"),
    ],
)
def test_days_are_counted_across_month_and_year_ends(make_user, seen_on, due, kind, detail):
    owner = make_user()
    item = milestone_due(owner, datetime.date.fromisoformat(due))
    local_day = datetime.date.fromisoformat(seen_on)
    nine_am = datetime.datetime.combine(local_day, datetime.time(9), tzinfo=owner.tzinfo)

    assert heard(nine_am.astimezone(UTC)) == {(owner.username, kind, key(item))}
    assert logged(owner) == [(local_day, kind, key(item), detail)]


def test_the_day_before_a_leap_day_is_not_confused_with_the_end_of_february():
    owner = india()
    item = milestone_due(owner, datetime.date(2028, 3, 1))

    assert heard(utc(2028, 2, 28)) == set()  # 2 days before, 2028 is a leap year
    assert heard(utc(2028, 2, 29)) == {(owner.username, DUE_SOON, key(item))}


# --- preferences --------------------------------------------------------------------------------


def test_a_muted_kind_is_not_claimed_and_the_others_still_are():
    owner = india()
    ReminderPreference.objects.create(user=owner, muted_kinds=[DUE_SOON])
    milestone_due(owner, TODAY + datetime.timedelta(days=7))
    today = milestone_due(owner, TODAY, code="MAR-02")

    assert heard(NOW) == {(owner.username, DUE_TODAY, key(today))}


def test_a_manager_who_muted_escalations_is_not_told():
    owner = india()
    boss, quiet_boss = manager(pillars=["maritime"]), manager(pillars=["maritime"])
    ReminderPreference.objects.create(user=quiet_boss, muted_kinds=[ESCALATION])
    item = milestone_due(owner, TODAY - datetime.timedelta(days=8))

    assert heard(NOW) == {
        (owner.username, OVERDUE, key(item)),
        (boss.username, ESCALATION, key(item)),
    }


@pytest.mark.parametrize(
    ("days_left", "kind"),
    [(14, None), (7, None), (3, DUE_SOON), (1, None), (0, DUE_TODAY), (-1, OVERDUE)],
)
def test_custom_lead_days_replace_the_default_ones(days_left, kind):
    picky, plain = india(), india()
    ReminderPreference.objects.create(user=picky, lead_days=[3])
    mine = milestone_due(picky, TODAY + datetime.timedelta(days=days_left))
    theirs = milestone_due(plain, TODAY + datetime.timedelta(days=days_left), code="MAR-02")
    default_kind = {3: None, 14: DUE_SOON, 7: DUE_SOON, 1: DUE_SOON}.get(days_left, kind)

    found = heard(NOW)

    assert {k for u, k, _ in found if u == picky.username} == ({kind} if kind else set())
    assert {(u, k) for u, k, i in found if i == key(theirs)} == (
        {(plain.username, default_kind)} if default_kind else set()
    )
    assert all(i == key(mine) for u, _k, i in found if u == picky.username)


def test_inactive_users_hear_nothing():
    owner = india(is_active=False)
    milestone_due(owner, TODAY)

    assert heard(NOW) == set()


def test_a_user_without_an_email_address_has_the_digest_skipped():
    owner = india(email="")
    milestone_due(owner, TODAY)
    services.reminders_claim(selectors.reminders_due(NOW), now=NOW)
    digest = Digest.objects.get(recipient=owner)

    assert services.digest_send(digest_id=digest.pk) == "skipped: no e-mail address"

    digest.refresh_from_db()
    assert (digest.state, digest.note, digest.sent_at) == (
        DigestState.SKIPPED,
        "no e-mail address",
        None,
    )
    assert mail.outbox == []
    assert services.digest_send(digest_id=digest.pk) == "nothing to send"


def test_send_reminders_names_the_users_it_could_not_e_mail():
    owner, other = india(email=""), india()
    milestone_due(owner, TODAY)
    milestone_due(other, TODAY)
    out = StringIO()

    call_command("send_reminders", now=NOW.isoformat(), stdout=out)

    assert Digest.objects.get(recipient=owner).state == DigestState.SKIPPED
    assert Digest.objects.get(recipient=owner).note == "no e-mail address"
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert "2 new reminder(s) claimed; 1 digest(s) sent." in out.getvalue()
    assert f"Not e-mailed to {owner.username}: no e-mail address." in out.getvalue()


# --- claimed once, sent once -------------------------------------------------------------------


def test_claiming_twice_at_the_same_instant_logs_each_reminder_once():
    delhi, tokyo = india(), japan()
    milestone_due(delhi, TODAY)
    milestone_due(delhi, TODAY + datetime.timedelta(days=7), code="MAR-02")
    milestone_due(tokyo, TODAY - datetime.timedelta(days=1))

    first = services.reminders_claim(selectors.reminders_due(NOW), now=NOW)
    second = services.reminders_claim(selectors.reminders_due(NOW), now=NOW)

    assert (first.claimed, first.recipients) == (3, 2)
    assert (second.claimed, second.recipients) == (0, 2)
    rows = list(Reminder.objects.values_list("recipient", "item_key", "kind", "day"))
    assert len(rows) == len(set(rows)) == 3
    assert sorted(Digest.objects.values_list("recipient", "day")) == [
        (delhi.pk, TODAY),
        (tokyo.pk, TODAY),
    ]
    assert selectors.reminders_unclaimed(selectors.reminders_due(NOW)) == []


def test_nothing_more_is_claimed_on_a_day_whose_digest_went_out():
    owner = india()
    milestone_due(owner, TODAY)
    assert len(heard(NOW)) == 1
    Digest.objects.filter(recipient=owner).update(state=DigestState.SENT, sent_at=NOW)
    milestone_due(owner, TODAY + datetime.timedelta(days=7), code="MAR-02")

    assert heard(NOW + datetime.timedelta(hours=3)) == set()
    assert Reminder.objects.filter(recipient=owner).count() == 1
    assert selectors.reminders_unclaimed(selectors.reminders_due(NOW)) == []


def test_two_sweeps_at_the_same_instant_send_one_email_per_recipient():
    delhi, tokyo = india(), japan()
    milestone_due(delhi, TODAY)
    milestone_due(tokyo, TODAY + datetime.timedelta(days=1))

    first = services.reminders_sweep(now=NOW)
    second = services.reminders_sweep(now=NOW)
    outcomes = [services.digest_send(digest_id=pk) for pk in first.digests + second.digests]
    again = [services.digest_send(digest_id=pk) for pk in first.digests]  # a redelivered task

    assert (first.claimed, second.claimed, second.digests) == (2, 0, [])
    assert outcomes == ["sent", "sent"]
    assert again == ["nothing to send", "nothing to send"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([delhi.email, tokyo.email])
    rows = list(Reminder.objects.values_list("recipient", "item_key", "kind", "day"))
    assert len(rows) == len(set(rows)) == 2
    assert set(Digest.objects.values_list("state", flat=True)) == {DigestState.SENT}

    milestone_due(delhi, TODAY, code="MAR-02", title="Something new today")
    later = services.reminders_sweep(now=NOW + datetime.timedelta(hours=6))

    assert (later.claimed, later.digests) == (0, [])
    assert Reminder.objects.count() == 2
    assert len(mail.outbox) == 2


def test_send_reminders_twice_sends_once():
    owner = india()
    milestone_due(owner, TODAY)
    first, second = StringIO(), StringIO()

    call_command("send_reminders", now="2026-03-02T06:00:00+00:00", stdout=first)
    call_command("send_reminders", now="2026-03-02T06:00:00+00:00", stdout=second)

    assert "1 new reminder(s) claimed; 1 digest(s) sent." in first.getvalue()
    assert "0 new reminder(s) claimed; 0 digest(s) sent." in second.getvalue()
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert mail.outbox[0].subject == "India–Japan tracker: 1 reminder for 2 Mar 2026"
    digest = Digest.objects.get()
    assert (digest.state, digest.attempts) == (DigestState.SENT, 1)
    assert digest.sent_at is not None


# --- the digest ---------------------------------------------------------------------------------


def local_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=DELHI)


def test_the_digest_groups_every_kind_under_headings_with_links(settings):
    settings.SITE_URL = "https://tracker.example.org"
    now = utc(2026, 8, 30)  # the day after the annual NSA consultations fell due
    day = now.date()
    reader, colleague = india(first_name="Asha", last_name="Rao"), india()
    Commitment.objects.filter(code="DEF-02").update(responsible_india=reader)
    Commitment.objects.filter(code="IND-01").update(
        responsible_india=reader,
        created_at=local_noon(day - datetime.timedelta(days=90)),
        updated_at=local_noon(day - datetime.timedelta(days=90)),
    )
    DialogueMechanism.objects.get(slug="nsa-consultations").leads.add(reader)
    milestone_due(reader, day - datetime.timedelta(days=1), title="Staff talks")
    milestone_due(reader, day, code="MAR-02", title="Port call")
    milestone_due(
        reader, day + datetime.timedelta(days=7), code="DEF-01", title="Plan <v2> & annex"
    )
    milestone_due(colleague, day - datetime.timedelta(days=8), code="DEF-02", title="Exercise")
    services.reminders_claim(selectors.reminders_due(now), now=now)
    digest = Digest.objects.get(recipient=reader)

    message = emails.digest_render(digest, list(digest.reminders.order_by("kind", "title")))

    site = "https://tracker.example.org"
    assert message.subject == "India–Japan tracker: 6 reminders for 30 Aug 2026"
    assert message.to == [reader.email]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.message()["List-Unsubscribe"] == f"<{site}/notifications/preferences/>"
    text = message.body
    assert text.startswith("Dear Asha Rao,")
    headings = [
        "OVERDUE",
        "DUE TODAY",
        "DUE SOON",
        "NO STATUS UPDATE FOR A LONG TIME",
        "ESCALATION: OVERDUE FOR OVER A WEEK",
        "DIALOGUE MEETING OVERDUE",
    ]
    lines = text.splitlines()
    assert [line for line in lines if line in headings] == headings
    for title, link in [
        ("MAR-01: Staff talks (due 29 Aug 2026, 1 day overdue)", "/commitments/MAR-01/"),
        ("MAR-02: Port call (due today)", "/commitments/MAR-02/"),
        ("DEF-01: Plan <v2> & annex (due 6 Sep 2026, in 7 days)", "/commitments/DEF-01/"),
        ("DEF-02: Exercise (due 22 Aug 2026, 8 days overdue: escalated)", "/commitments/DEF-02/"),
        ("IND-01: ", "/commitments/IND-01/"),
        ("Annual National Security Adviser consultations", "/dialogues/nsa-consultations/"),
    ]:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"- {title}"))
        assert lines[index + 1] == f"  {site}{link}"
        assert resolve(link)
    assert "no status update since 1 Jun 2026" in text
    assert f"{site}/notifications/preferences/" in text

    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert re.findall(r"<h2[^>]*>([^<]+)</h2>", html) == [
        "Overdue",
        "Due today",
        "Due soon",
        "No status update for a long time",
        "Escalation: overdue for over a week",
        "Dialogue meeting overdue",
    ]
    links = re.findall(r'<li><a href="([^"]+)">([^<]*)</a>', html)
    assert (f"{site}/commitments/MAR-01/", "MAR-01: Staff talks") in links
    assert (f"{site}/commitments/DEF-01/", "DEF-01: Plan &lt;v2&gt; &amp; annex") in links
    assert len(links) == 6
    assert f'<a href="{site}/notifications/preferences/">' in html


def test_the_preferences_link_of_the_digest_leads_to_a_page():
    owner = india()
    milestone_due(owner, TODAY)
    services.reminders_claim(selectors.reminders_due(NOW), now=NOW)
    digest = Digest.objects.get()
    message = emails.digest_render(digest, list(digest.reminders.all()))
    url = message.extra_headers["List-Unsubscribe"].strip("<>")

    assert url.startswith(settings.SITE_URL)
    assert resolve(url.removeprefix(settings.SITE_URL))


# --- stale commitments and lapsed dialogue mechanisms -------------------------------------------


def last_touched(code: str, when: datetime.datetime, responsible=None) -> None:
    Commitment.objects.filter(code=code).update(
        responsible_india=responsible, created_at=when, updated_at=when
    )


@pytest.mark.parametrize(
    ("days_since", "nudged"),
    [(89, False), (90, True), (91, False), (96, False), (97, True), (104, True), (105, False)],
)
def test_a_commitment_with_no_status_update_for_90_days_nudges_its_responsible_user_weekly(
    days_since, nudged
):
    owner = india()
    last_touched("IND-01", local_noon(TODAY - datetime.timedelta(days=days_since)), owner)

    expected = {(owner.username, STALE, "commitment:IND-01")} if nudged else set()
    assert heard(NOW) == expected
    if nudged:
        reminder = Reminder.objects.get()
        assert reminder.title.startswith("IND-01: ")
        assert reminder.path == "/commitments/IND-01/"
        since = TODAY - datetime.timedelta(days=days_since)
        assert reminder.detail == f"no status update since {since:%-d %b %Y}"


def test_the_latest_status_update_restarts_the_count():
    owner = india()
    long_ago = local_noon(TODAY - datetime.timedelta(days=300))
    for code in ("IND-01", "IND-02"):
        last_touched(code, long_ago, owner)
    for code, days_ago in [("IND-01", 90), ("IND-02", 30)]:
        StatusUpdate.objects.create(
            commitment=commitment(code),
            author=owner,
            created_at=local_noon(TODAY - datetime.timedelta(days=days_ago)),
            side=owner.side,
            assessment=Status.ON_TRACK,
            from_status=Status.NOT_STARTED,
            to_status=Status.ON_TRACK,
            from_progress=0,
            to_progress=10,
            note="Kick-off held.",
            version=2,
        )

    assert heard(NOW) == {(owner.username, STALE, "commitment:IND-01")}
    assert Reminder.objects.get().detail == "no status update since 2 Dec 2025"


def test_the_stale_count_runs_on_the_responsible_users_local_dates():
    """Updated at 20:00 UTC on 1 December: still 1 December in UTC, already 2 December in Delhi
    (01:30) and Tokyo (05:00). Ninety local days later is 2 March."""
    in_delhi, in_tokyo = india(), japan()
    evening = datetime.datetime(2025, 12, 1, 20, 0, tzinfo=UTC)
    last_touched("IND-01", evening, in_delhi)
    last_touched("IND-02", evening, in_tokyo)

    assert heard(utc(2026, 3, 1)) == set()
    assert heard(NOW) == {
        (in_delhi.username, STALE, "commitment:IND-01"),
        (in_tokyo.username, STALE, "commitment:IND-02"),
    }


def test_a_commitment_nobody_is_responsible_for_nudges_nobody():
    last_touched("IND-01", local_noon(TODAY - datetime.timedelta(days=90)))
    india()

    assert heard(NOW) == set()


@pytest.mark.parametrize(
    ("day", "reminded"),
    [
        ("2026-08-29", False),  # the day the annual meeting falls due
        ("2026-08-30", True),  # the day after the lapse
        ("2026-08-31", False),
        ("2026-09-05", False),
        ("2026-09-06", True),  # then weekly
        ("2026-09-13", True),
    ],
)
def test_a_lapsed_mechanism_with_no_meeting_planned_reminds_its_leads(day, reminded):
    in_delhi, in_tokyo, bystander = india(), japan(), india()
    nsa = DialogueMechanism.objects.get(slug="nsa-consultations")
    nsa.leads.add(in_delhi, in_tokyo)

    found = heard(utc(*map(int, day.split("-"))))

    expected = {
        (in_delhi.username, MECHANISM, "mechanism:nsa-consultations"),
        (in_tokyo.username, MECHANISM, "mechanism:nsa-consultations"),
    }
    assert found == (expected if reminded else set())
    assert not Reminder.objects.filter(recipient=bystander).exists()
    if reminded:
        reminder = Reminder.objects.filter(recipient=in_delhi).get()
        assert reminder.title == nsa.name
        assert reminder.detail == "a meeting was due by 29 Aug 2026 and none is planned"
        assert reminder.path == "/dialogues/nsa-consultations/"


@pytest.mark.parametrize(
    ("slug", "meeting"),
    [
        ("nsa-consultations", (datetime.date(2026, 9, 15), MeetingState.PLANNED)),
        ("nsa-consultations", (datetime.date(2026, 6, 1), MeetingState.HELD)),
        ("joint-staffs-dialogue", None),  # only to be explored: not established
    ],
    ids=["meeting-planned", "meeting-held-recently", "not-established"],
)
def test_a_mechanism_with_a_meeting_planned_held_or_not_established_reminds_nobody(slug, meeting):
    lead = india()
    mechanism = DialogueMechanism.objects.get(slug=slug)
    mechanism.leads.add(lead)
    if meeting:
        Meeting.objects.create(mechanism=mechanism, date=meeting[0], state=meeting[1], side="india")

    assert heard(utc(2026, 8, 30)) == set()


def test_a_meeting_still_planned_for_a_past_date_does_not_stop_the_reminder():
    lead = india()
    nsa = DialogueMechanism.objects.get(slug="nsa-consultations")
    nsa.leads.add(lead)
    Meeting.objects.create(mechanism=nsa, date=datetime.date(2026, 8, 20), side="india")

    assert heard(utc(2026, 8, 30)) == {(lead.username, MECHANISM, "mechanism:nsa-consultations")}


# --- the send_reminders command ------------------------------------------------------------------


def test_dry_run_prints_who_would_get_what_and_claims_and_sends_nothing():
    reader, no_address = india(username="reader"), japan(username="zoe", email="")
    milestone_due(reader, TODAY + datetime.timedelta(days=7), title="Port call plan")
    milestone_due(reader, TODAY - datetime.timedelta(days=1), code="MAR-02", title="Staff talks")
    milestone_due(no_address, TODAY, code="DEF-01", title="Exercise")
    out = StringIO()

    call_command("send_reminders", "--dry-run", "--now", "2026-03-02T06:00:00Z", stdout=out)

    assert out.getvalue().splitlines() == [
        "reader <reader@example.org>, 2026-03-02: 2 item(s)",
        "  [overdue] MAR-02: Staff talks (due 1 Mar 2026, 1 day overdue)",
        "  [due_soon] MAR-01: Port call plan (due 9 Mar 2026, in 7 days)",
        "zoe <no e-mail address: would be skipped>, 2026-03-02: 1 item(s)",
        "  [due_today] DEF-01: Exercise (due today)",
    ]
    assert not Reminder.objects.exists()
    assert not Digest.objects.exists()
    assert mail.outbox == []


def test_dry_run_before_nine_says_nothing_is_due():
    milestone_due(india(), TODAY)
    out = StringIO()

    call_command("send_reminders", "--dry-run", "--now", "2026-03-02T03:29:00", stdout=out)

    assert out.getvalue().strip() == "Nothing is due at 2026-03-02T03:29:00+00:00."
    assert not Digest.objects.exists()


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2026-03-02 nine o'clock",
        "2026-02-30T09:00:00",  # well formed, but no such day
    ],
)
def test_a_bad_now_is_refused(value):
    with pytest.raises(CommandError, match="is not an ISO 8601 instant"):
        call_command("send_reminders", "--dry-run", "--now", value, stdout=StringIO())
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("closed", [Status.COMPLETED, Status.DISCONTINUED])
def test_a_completed_or_discontinued_commitment_is_never_nagged_for_updates(closed):
    owner = india()
    last_touched("IND-01", local_noon(TODAY - datetime.timedelta(days=90)), owner)
    Commitment.objects.filter(code="IND-01").update(status=closed)

    assert heard(NOW) == set()


# --- a side awaited to confirm the other's assessment ----------------------------------------

AWAITING = ReminderKind.AWAITING


def apart_since(days: int, *, reporter: User) -> None:
    """MAR-01 (joint) with India's report waiting for Japan since noon `days` ago."""
    from commitments import services as commitment_services

    commitment_services.status_update_create(
        commitment=commitment("MAR-01"),
        author=reporter,
        status=Status.AT_RISK,
        note="Berths not confirmed.",
        expected_version=None,
    )
    Commitment.objects.filter(code="MAR-01").update(
        awaiting_since=local_noon(TODAY - datetime.timedelta(days=days))
    )


@pytest.mark.parametrize(
    ("days", "reminded"),
    [(2, False), (3, True), (4, False), (9, False), (10, True), (17, True), (18, False)],
)
def test_the_awaited_sides_analysts_and_the_responsible_user_hear_after_three_days_then_weekly(
    days, reminded
):
    reporter = india(role="Analyst", pillars=["maritime"])
    awaited = japan(role="Analyst", pillars=["maritime"])
    japan(role="Analyst", pillars=["defence"])  # the awaited side, another pillar
    india(role="Analyst", pillars=["maritime"])  # the pillar, the side that reported
    # The awaited side's own responsible user hears; the other side's does not.
    responsible = japan()
    Commitment.objects.filter(code="MAR-01").update(
        responsible_japan=responsible, responsible_india=india()
    )
    apart_since(days, reporter=reporter)

    expected = {
        (awaited.username, AWAITING, "awaiting:MAR-01"),
        (responsible.username, AWAITING, "awaiting:MAR-01"),
    }
    assert heard(NOW) == (expected if reminded else set())
    if reminded:
        since = TODAY - datetime.timedelta(days=days)
        assert logged(awaited) == [
            (
                TODAY,
                AWAITING,
                "awaiting:MAR-01",
                f"awaiting Japan's confirmation since {since:%-d %b %Y}",
            )
        ]
        assert Reminder.objects.filter(recipient=awaited).get().path == "/commitments/MAR-01/"


def test_once_the_sides_agree_nobody_is_reminded_and_a_muted_kind_is_skipped():
    reporter = india(role="Analyst", pillars=["maritime"])
    awaited = japan(role="Analyst", pillars=["maritime"])
    muted = japan(role="Analyst", pillars=["maritime"])
    ReminderPreference.objects.create(user=muted, muted_kinds=[AWAITING])
    apart_since(3, reporter=reporter)

    assert heard(NOW) == {(awaited.username, AWAITING, "awaiting:MAR-01")}

    from commitments import services as commitment_services

    commitment_services.assessment_confirm(
        commitment=commitment("MAR-01"), author=awaited, note="Agreed.", expected_version=None
    )
    assert heard(NOW + datetime.timedelta(days=7)) == set()
