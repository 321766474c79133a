"""Mentions (issue 26): `@username` in a comment tells that user — on their Notifications page
at once, and in their next digest at their send hour — only if they may read the comment (its
marking and the item it is on); a mention of anyone else tells nobody anything, the author
included. A notification shown later is checked again against the comment's marking as it
stands then. Both directions: India → Japan and Japan → India."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client

from access.choices import Marking, Role, Side
from discussion.comment_services import comment_create, comment_update
from discussion.rendering import markdown_html, mentioned
from notifications import services as reminder_services
from notifications.choices import DigestState, ReminderKind
from notifications.models import Digest, Reminder
from tests.api_base import api_client
from tests.discussion.helpers import step, step_remarked
from tests.factories import UserFactory, analyst, commitment, manager

pytestmark = pytest.mark.usefixtures("loaded")

BOTH = pytest.mark.parametrize(
    ("own", "other"), [(Side.INDIA, Side.JAPAN), (Side.JAPAN, Side.INDIA)], ids=["india", "japan"]
)
NATIONAL = {Side.INDIA: Marking.INDIA_ONLY, Side.JAPAN: Marking.JAPAN_ONLY}
# 02:00 UTC: 07:30 in Delhi (before the 09:00 send hour), 11:00 in Tokyo (after it).
MORNING = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)
SENDS_AT_ONCE = {Side.INDIA: False, Side.JAPAN: True}
DETAIL = {
    Side.INDIA: "{author} mentioned you in a comment",
    Side.JAPAN: "{author}がコメントでメンションしました",
}


@pytest.fixture
def people():
    found = {}
    for side in (Side.INDIA, Side.JAPAN):
        language = "ja" if side == Side.JAPAN else "en"
        found[side] = analyst("maritime", username=f"m-{side}", side=side, language=language)
        found[f"{side}_colleague"] = analyst(
            "maritime", username=f"m-{side}-colleague", side=side, language=language
        )
        found[f"{side}_manager"] = manager(username=f"m-{side}-mgr", side=side, language=language)
    found["public"] = UserFactory(side="", role=Role.VIEWER, username="m-public")
    return found


def told(user) -> list[Reminder]:
    return list(Reminder.objects.filter(recipient=user, kind=ReminderKind.MENTION))


def notifications_page(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/notifications/")
    assert response.status_code == 200
    return response.content.decode()


def digests_sent(now) -> list:
    """Sweep at `now` and send every digest it queues; the e-mails sent."""
    mail.outbox.clear()
    for digest_id in reminder_services.reminders_sweep(now=now).digests:
        reminder_services.digest_send(digest_id=digest_id)
    return list(mail.outbox)


def to(user, sent: list) -> list:
    return [message for message in sent if user.email in message.to]


def mail_text(message) -> str:
    return message.body + "".join(str(part[0]) for part in message.alternatives)


def comment_mentioning(author, name: str, **fields):
    return comment_create(
        target=commitment("MAR-01"),
        actor=author,
        body=f"MENTION-TEXT: please check the minutes, @{name}.",
        **fields,
    )


@BOTH
def test_a_mention_in_a_national_comment_tells_the_other_side_nothing(people, own, other):
    with time_machine.travel(MORNING, tick=False):
        comment = comment_mentioning(people[own], people[other].username, marking=NATIONAL[own])
        assert told(people[other]) == []
        assert "MAR-01" not in notifications_page(people[other])
        later = MORNING + datetime.timedelta(hours=3)  # past both sides' send hour
        sent = digests_sent(later)
    assert to(people[other], sent) == []
    # The author learns nothing: the comment reads exactly as a mention of nobody does.
    nobody = comment_mentioning(people[own], "nobody-of-that-name", marking=NATIONAL[own])
    api = api_client(people[own])
    shown = api.get(f"/api/v1/comments/{comment.pk}/").json()
    shown_nobody = api.get(f"/api/v1/comments/{nobody.pk}/").json()
    assert shown["body_html"].replace(people[other].username, "X") == shown_nobody[
        "body_html"
    ].replace("nobody-of-that-name", "X")
    assert set(shown) == set(shown_nobody)
    # A colleague of the author's own side mentioned in it is told.
    comment_mentioning(people[own], people[f"{own}_colleague"].username, marking=NATIONAL[own])
    assert len(told(people[f"{own}_colleague"])) == 1


@BOTH
def test_a_mention_in_a_bilateral_comment_reaches_the_page_and_the_digest(people, own, other):
    reader = people[other]
    with time_machine.travel(MORNING, tick=False):
        comment = comment_mentioning(people[own], reader.username)
        [reminder] = told(reader)
        assert reminder.item_key == f"comment:{comment.pk}"
        assert reminder.day == MORNING.astimezone(reader.tzinfo).date()
        page = notifications_page(reader)
        assert f"/commitments/MAR-01/#comment-{comment.pk}" in page
        assert DETAIL[other].format(author=people[own].username) in page
        assert commitment("MAR-01").title in page
        # The comment's own text is not copied into the notification.
        assert "MENTION-TEXT" not in page

        ours = to(reader, digests_sent(MORNING + datetime.timedelta(minutes=15)))
        if not SENDS_AT_ONCE[other]:  # 07:45 in Delhi: the digest waits for 09:00
            assert ours == []
            ours = to(reader, digests_sent(MORNING + datetime.timedelta(hours=2)))
    [message] = ours
    assert DETAIL[other].format(author=people[own].username) in mail_text(message)
    assert f"/commitments/MAR-01/#comment-{comment.pk}" in mail_text(message)
    assert "MENTION-TEXT" not in mail_text(message)
    assert Digest.objects.get(recipient=reader).state == DigestState.SENT


@BOTH
def test_a_comment_narrowed_after_the_mention_is_no_longer_shown_to_who_lost_it(people, own, other):
    reader = people[other]
    with time_machine.travel(MORNING, tick=False):
        comment = comment_mentioning(people[own], reader.username)
        assert "MAR-01" in notifications_page(reader)
        comment_update(
            comment=comment,
            actor=people[own],
            expected_version=comment.version,
            marking=NATIONAL[own],
        )
        assert "MAR-01" not in notifications_page(reader)
        assert f"comment-{comment.pk}" not in notifications_page(reader)
        sent = digests_sent(MORNING + datetime.timedelta(hours=3))
    assert to(reader, sent) == []
    assert Digest.objects.get(recipient=reader).note == "nothing left to say"


@BOTH
def test_a_comment_narrowed_with_its_milestone_is_no_longer_shown(people, own, other):
    reader = people[other]
    milestone = step(people[own], "MENTION-STEP")
    comment = comment_create(
        target=milestone, actor=people[own], body=f"Over to you, @{reader.username}"
    )
    page = notifications_page(reader)
    assert "MENTION-STEP" in page and f"#comment-{comment.pk}" in page
    step_remarked(milestone, people[own], NATIONAL[own])
    assert "MENTION-STEP" not in notifications_page(reader)


@BOTH
def test_an_edit_tells_whom_it_mentions_anew_once(people, own, other):
    first, second = people[other], people[f"{other}_colleague"]
    comment = comment_mentioning(people[own], first.username)
    comment = comment_update(
        comment=comment,
        actor=people[own],
        expected_version=comment.version,
        body=f"Also @{second.username}, and again @{first.username}.",
    )
    assert len(told(first)) == 1 and len(told(second)) == 1
    comment_update(
        comment=comment,
        actor=people[own],
        expected_version=comment.version,
        body=f"Still @{second.username}.",
    )
    assert len(told(second)) == 1


@BOTH
def test_a_comment_widened_tells_the_readers_it_now_reaches(people, own, other):
    author = people[f"{own}_manager"]  # a manager widens a national marking
    comment = comment_mentioning(author, people[other].username, marking=NATIONAL[own])
    assert told(people[other]) == []
    comment_update(
        comment=comment,
        actor=author,
        expected_version=comment.version,
        marking=Marking.BILATERAL,
    )
    assert len(told(people[other])) == 1


def test_a_reader_of_no_side_is_told_of_public_comments_only(people):
    author = people[Side.INDIA]
    comment_mentioning(author, "m-public")
    assert told(people["public"]) == []
    comment_mentioning(author, "m-public", marking=Marking.PUBLIC)
    assert len(told(people["public"])) == 1


def test_the_author_a_muted_kind_and_code_tell_nobody(people):
    author, reader = people[Side.INDIA], people[Side.JAPAN]
    comment_mentioning(author, author.username)
    assert told(author) == []
    comment_create(target=commitment("MAR-01"), actor=author, body=f"In code: `@{reader.username}`")
    assert told(reader) == []
    reminder_services.reminder_preference_set(
        user=reader,
        kinds=[k for k in ReminderKind.values if k != ReminderKind.MENTION],
        lead_days=[],
        email=True,
    )
    comment_mentioning(author, reader.username)
    assert told(reader) == []


@BOTH
def test_a_mention_after_the_days_digest_went_out_waits_for_the_next_one(people, own, other):
    reader = people[other]
    afternoon = MORNING + datetime.timedelta(hours=8)  # 15:30 in Delhi, 19:00 in Tokyo
    today = afternoon.astimezone(reader.tzinfo).date()
    Digest.objects.create(recipient=reader, day=today, state=DigestState.SENT)
    with time_machine.travel(afternoon, tick=False):
        comment_mentioning(people[own], reader.username)
        [reminder] = told(reader)
        assert reminder.day == today + datetime.timedelta(days=1)
        assert "MAR-01" in notifications_page(reader)  # on the page at once
        assert to(reader, digests_sent(afternoon + datetime.timedelta(minutes=15))) == []
    tomorrow = afternoon + datetime.timedelta(hours=19)  # 10:30 in Delhi, 14:00 in Tokyo
    assert len(to(reader, digests_sent(tomorrow))) == 1


def test_mentions_are_shown_alike_and_safely():
    html = str(
        markdown_html(
            "@asha, see `@code`, write to a@b.org and <b onclick=x>@evil</b>; thanks @k.tanaka."
        )
    )
    assert '<strong class="mention">@asha</strong>' in html
    assert '<strong class="mention">@k.tanaka</strong>.' in html
    assert "<code>@code</code>" in html and "a@b.org" in html
    assert "<b " not in html and "&lt;b onclick=x&gt;" in html  # shown as text, never run
    assert mentioned("@asha @Asha `@code` a@b.org @evil @asha") == ["asha", "Asha", "evil"]
