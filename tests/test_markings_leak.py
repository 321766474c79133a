"""Release markings hold on every path: no reader finds text marked for another government.

A unique sentinel string is planted in every markable field (a status update's note and
evidence link, a milestone's title, a meeting's outcome, an action item's title and
description, a commitment's added context, a comment's body, an attachment's title and its
file's content) once as `india_only`, once as `bilateral` and once as `public`. Then every URL
in the URL configuration (pages, the API, exports, the calendar feed, the change feed followed
to its end, the admin, the attachments' lists and downloads) is fetched, with path parameters
naming the planted objects, and with searches for the sentinels, as a Japanese analyst, a
Japanese manager and the public reader: a response holding a sentinel its reader may not see
fails the test. The same for the reminder digests the planted items cause. Controls: the Indian
users find the India-only sentinels, and the Japanese users the bilateral ones, so the crawl
would see a leak.
"""

import datetime
import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from access.choices import Marking, Role
from calendar_feed.models import CalendarFeedToken
from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, User
from dialogues import services as dialogue_services
from dialogues.choices import MeetingState
from dialogues.models import DialogueMechanism
from discussion.attachment_services import attachment_add
from discussion.comment_services import comment_create
from notifications import emails, selectors
from notifications import services as reminder_services
from notifications.models import Reminder
from tests.api_base import token_for
from tests.factories import UserFactory, analyst, commitment, days, manager, superuser
from tests.pdfs import pdf_words
from tests.test_access_matrix import concrete, routes

pytestmark = pytest.mark.usefixtures("loaded")

MARKINGS = {"IN": Marking.INDIA_ONLY, "BI": Marking.BILATERAL, "PU": Marking.PUBLIC}
SENTINEL = re.compile(rb"SENTINEL-(IN|TI|BI|PU|JP)-([a-z_]+)-[0-9]+")
# What each reader may find: the prefixes of the sentinels.
# TI: written bilateral, then tightened to India only (every copy must follow).
MAY_SEE = {
    "jp_analyst": {"BI", "PU", "JP"},
    "jp_manager": {"BI", "PU", "JP"},
    "public_reader": {"PU"},
    "operator": {"PU"},  # the superuser, of neither side: what a public reader reads
    "jp_admin": {"BI", "PU", "JP"},  # Japan's side administrator, the audit log and admin too
    "in_analyst": {"IN", "TI", "BI", "PU"},
    "in_manager": {"IN", "TI", "BI", "PU"},
}


def sentinel(prefix: str, field: str, n: int) -> str:
    return f"SENTINEL-{prefix}-{field}-{n}"


def attached(target, actor, prefix: str, n: int, marking=None):
    """An attachment whose title and file's content are sentinels (a plain-text file)."""
    content = f"Minutes: {sentinel(prefix, 'file', n)}\n".encode()
    return attachment_add(
        target=target,
        actor=actor,
        upload=SimpleUploadedFile("minutes.txt", content, content_type="text/plain"),
        title=sentinel(prefix, "attachment", n),
        **({"marking": marking} if marking else {}),
    )


def attachment_urls(attachments) -> list[str]:
    """Where an attachment is read: the API's representation, and its file on both paths."""
    return [
        url
        for attachment in attachments
        for url in (
            f"/attachments/{attachment.pk}/download/",
            f"/api/v1/attachments/{attachment.pk}/",
            f"/api/v1/attachments/{attachment.pk}/download/",
        )
    ]


def reported(code: str, author, note: str, evidence: str, **marking):
    """A status update of `author`'s side on commitment `code`, with its note and evidence."""
    return services.status_update_create(
        commitment=commitment(code),
        author=author,
        status=Status.AT_RISK,
        note=note,
        evidence_url=evidence,
        expected_version=None,
        **marking,
    )


@pytest.fixture
def world(attachment_root):
    """The readers, and every markable field planted three times over (plus one Japan-only
    milestone for the Indian side's controls)."""
    users = {
        "in_analyst": analyst("maritime", "dialogue", side="india", is_staff=True),
        "in_manager": manager(side="india", is_staff=True, pillars=["maritime", "dialogue"]),
        "jp_analyst": analyst("maritime", "dialogue", side="japan", is_staff=True),
        "jp_manager": manager(side="japan", is_staff=True, pillars=["maritime", "dialogue"]),
        "public_reader": UserFactory(side="", role="Viewer", username="public-reader"),
        "operator": superuser(username="leak-operator"),
        "jp_admin": UserFactory(
            side="japan", role=Role.ADMINISTRATOR, is_staff=True, username="jp-admin"
        ),
    }
    author, japan = users["in_analyst"], users["jp_analyst"]
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    planted: dict[str, dict] = {}
    for n, (prefix, marking) in enumerate(MARKINGS.items(), start=1):
        code = f"MAR-0{n}"
        Commitment.objects.filter(code=code).update(
            context=sentinel(prefix, "context", n), marking=marking, responsible_india=author
        )
        status_update = reported(
            code,
            author,
            sentinel(prefix, "note", n),
            f"https://example.org/{sentinel(prefix, 'evidence', n)}",
            marking=marking,
        )
        milestone = services.milestone_create(
            commitment=commitment(code),
            actor=author,
            title=sentinel(prefix, "milestone", n),
            due_date=days(1),
            owner=author,
            marking=marking,
        )
        meeting = dialogue_services.meeting_create(
            mechanism=mechanism,
            actor=author,
            date=days(-n),
            state=MeetingState.HELD,
            outcome_summary=sentinel(prefix, "outcome", n),
            marking=marking,
        )
        item = dialogue_services.action_item_create(
            meeting=meeting,
            actor=author,
            title=sentinel(prefix, "action", n),
            description=sentinel(prefix, "description", n),
            owner=author,
            due_date=days(1),
            commitment=commitment(code),
            marking=marking,
        )
        # India's own context of the commitment, under the same marking.
        services.context_write(
            commitment=commitment(code),
            actor=author,
            side="india",
            text=sentinel(prefix, "sidecontext", n),
            marking=marking,
        )
        # A milestone done moves progress: the trail quotes its title ("milestone “…” added").
        services.milestone_create(
            commitment=commitment(code),
            actor=author,
            title=sentinel(prefix, "progress", n),
            due_date=days(-1),
            completed_on=days(-1),
            owner=author,
            marking=marking,
        )
        # Comments (issue 26) on the commitment, the milestone and the action item.
        comment = comment_create(
            target=commitment(code),
            actor=author,
            body=sentinel(prefix, "comment", n),
            marking=marking,
        )
        for target in (milestone, item):
            comment_create(
                target=target, actor=author, body=sentinel(prefix, "comment", n), marking=marking
            )
        # A reconciliation's thread (bilateral at most): the sides' disagreement on the record.
        reconciliation = None
        if marking != Marking.PUBLIC:
            reconciliation = reconciliation_for(code)
            comment_create(
                target=reconciliation,
                actor=author,
                body=sentinel(prefix, "comment", n),
                marking=marking,
            )
        # Attachments (issue 26): titles and files' contents, on each kind of item.
        attachments = [
            attached(target, author, prefix, n, marking)
            for target in (commitment(code), milestone, meeting, item)
        ]
        # One as a status update's evidence: the trail names it by its title.
        reported(
            code,
            author,
            sentinel(prefix, "evidencenote", n),
            f"/attachments/{attachments[0].pk}/download/",
            marking=marking,
        )
        planted[prefix] = {
            "n": n,
            "code": code,
            "status_update": status_update,
            "milestone": milestone,
            "meeting": meeting,
            "item": item,
            "comment": comment,
            "attachments": attachments,
            "reconciliation": reconciliation,
        }
    planted["TI"] = _tightened_later(users, mechanism)
    services.context_write(
        commitment=commitment("MAR-04"),
        actor=japan,
        side="japan",
        text=sentinel("JP", "sidecontext", 4),
        marking=Marking.JAPAN_ONLY,
    )
    services.milestone_create(
        commitment=commitment("MAR-04"),
        actor=japan,
        title=sentinel("JP", "milestone", 4),
        due_date=days(1),
        owner=japan,
        marking=Marking.JAPAN_ONLY,
    )
    comment_create(
        target=commitment("MAR-04"),
        actor=japan,
        body=sentinel("JP", "comment", 4),
        marking=Marking.JAPAN_ONLY,
    )
    japans_reconciliation = reconciliation_for("MAR-04")
    comment_create(
        target=japans_reconciliation,
        actor=japan,
        body=sentinel("JP", "comment", 4),
        marking=Marking.JAPAN_ONLY,
    )
    # Japan's own: only its URLs are crawled (no other object is planted under JP).
    planted["JP"] = {
        "attachments": [attached(commitment("MAR-04"), japan, "JP", 4, "japan_only")],
        "reconciliation": japans_reconciliation,
    }
    return users, planted


def reconciliation_for(code: str):
    """The commitment's open reconciliation (a change of terms awaiting an answer), opened
    here if its sides are not apart already."""
    from discussion.models import Reconciliation

    found = Reconciliation.objects.filter(commitment__code=code, closed_at=None).first()
    return found or Reconciliation.objects.create(
        commitment=commitment(code), about_terms=True, due_on=days(30)
    )


def reconciliation_urls(planted: dict) -> list[str]:
    """Every planted reconciliation's page, list, API and thread."""
    found = ["/reconciliations/?state=all", "/api/v1/reconciliations/?state=all"]
    for objects in planted.values():
        if objects.get("reconciliation") is not None:
            pk = objects["reconciliation"].pk
            found += [
                f"/reconciliations/{pk}/",
                f"/reconciliations/{pk}/attachments/",
                f"/api/v1/reconciliations/{pk}/",
                f"/api/v1/reconciliations/{pk}/comments/",
            ]
    return found


def _tightened_later(users, mechanism) -> dict:
    """Items written bilateral (each copied into the trail, the audit log, reminders), then
    made India-only by India: every copy must follow, the past views too."""
    author, india = users["in_analyst"], users["in_manager"]
    n, code = 5, "MAR-05"
    Commitment.objects.filter(code=code).update(responsible_india=author)
    Commitment.objects.filter(code=code).update(context=sentinel("TI", "context", n))
    side_context = services.context_write(
        commitment=commitment(code),
        actor=author,
        side="india",
        text=sentinel("TI", "sidecontext", n),
        marking=Marking.BILATERAL,
    )
    status_update = services.status_update_create(
        commitment=commitment(code),
        author=author,
        status=Status.AT_RISK,
        note=sentinel("TI", "note", n),
        evidence_url=f"https://example.org/{sentinel('TI', 'evidence', n)}",
        expected_version=None,
    )
    milestone = services.milestone_create(
        commitment=commitment(code),
        actor=author,
        title=sentinel("TI", "milestone", n),
        due_date=days(1),
        owner=author,
    )
    done = services.milestone_create(
        commitment=commitment(code),
        actor=author,
        title=sentinel("TI", "progress", n),
        due_date=days(-1),
        completed_on=days(-1),
        owner=author,
    )
    meeting = dialogue_services.meeting_create(
        mechanism=mechanism,
        actor=author,
        date=days(-n),
        state=MeetingState.HELD,
        outcome_summary=sentinel("TI", "outcome", n),
    )
    item = dialogue_services.action_item_create(
        meeting=meeting,
        actor=author,
        title=sentinel("TI", "action", n),
        description=sentinel("TI", "description", n),
        owner=author,
        due_date=days(1),
        commitment=commitment(code),
    )
    # Bilateral comments on the milestone and the action item: narrowed with them.
    comment = comment_create(target=milestone, actor=author, body=sentinel("TI", "comment", n))
    comment_create(target=item, actor=author, body=sentinel("TI", "comment", n))
    attachments = [attached(target, author, "TI", n) for target in (milestone, item)]
    # A bilateral status update citing the milestone's attachment, which is narrowed with the
    # milestone below: the trail must stop naming it to Japan (the note itself stays shared).
    reported(
        code,
        author,
        "The step's report is attached.",
        f"/attachments/{attachments[0].pk}/download/",
    )
    pillar = commitment(code).pillar_id
    for thing in (commitment(code), side_context, status_update, milestone, done, meeting, item):
        services.marking_change(
            item=type(thing).objects.get(pk=thing.pk),
            actor=india,
            marking=Marking.INDIA_ONLY,
            pillar_id=pillar,
        )
    return {
        "n": n,
        "code": code,
        "status_update": status_update,
        "milestone": milestone,
        "meeting": meeting,
        "item": item,
        "comment": comment,
        "attachments": attachments,
    }


def body_of(response) -> bytes:
    """What a reader gets: the body, the cells of a spreadsheet, the streamed CSV."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an XLSX is a zip of XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as sheet:
            content = b"".join(sheet.read(name) for name in sheet.namelist())
    if content[:5] == b"%PDF-":  # a report: its text, as a reader's PDF viewer shows it
        content = pdf_words(content).encode()
    return content


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def urls(planted: dict, prefix: str) -> list[str]:
    """Every URL of the URL configuration naming the objects planted under `prefix`, the
    lists with searches for every sentinel, and the admin's pages of the marked models."""
    objects = planted[prefix]
    values = {
        "code": objects["code"],
        "slug": {"pillars": "maritime", "organisations": "in-navy"},
        "mechanism": "coast-guard-commandant-meetings",
        "milestone": objects["milestone"].pk,
        "meeting": objects["meeting"].pk,
        "action": objects["item"].pk,
        "comment": objects["comment"].pk,
        "attachment": objects["attachments"][0].pk,
        "reconciliation": objects["reconciliation"].pk if objects.get("reconciliation") else 0,
        "audit": 1,
    }
    found = [concrete(route, values) for route in routes()] + reconciliation_urls(planted)
    # Searched for by what follows "SENTINEL-": a page echoing the query back to its reader
    # does not show a whole sentinel, a page finding the text does.
    words = ["SENTINEL", prefix] + [
        sentinel(prefix, field, objects["n"]).removeprefix("SENTINEL-")
        for field in (
            "context",
            "sidecontext",
            "note",
            "milestone",
            "outcome",
            "action",
            "description",
            "comment",
            "attachment",
            "file",
        )
    ]
    for word in words:
        for path in (
            "/commitments/",
            "/api/v1/commitments/",
            "/api/v1/milestones/",
            "/api/v1/meetings/",
            "/api/v1/action-items/",
            "/commitments/export.csv",
            "/commitments/export.xlsx",
            "/audit/",
            reverse("admin:discussion_comment_changelist"),
            reverse("admin:discussion_attachment_changelist"),
        ):
            found.append(f"{path}?{'q' if path.startswith('/admin/') else 'search'}={word}")
    found += [
        "/api/v1/commitments/?format=csv",
        "/api/v1/commitments/?updated_since=2000-01-01T00:00:00Z",
        "/api/v1/milestones/?updated_since=2000-01-01T00:00:00Z",
        "/api/v1/action-items/?updated_since=2000-01-01T00:00:00Z",
        "/api/v1/meetings/?updated_since=2000-01-01T00:00:00Z",
        "/api/v1/audit-events/?page_size=500",
        "/audit/?commitment=" + objects["code"],
        "/commitments/?milestones=due_soon",
        "/commitments/?milestone_due_within=5",
        "/api/v1/commitments/?milestone_due_within=5",
        f"/api/v1/commitments/{objects['code']}/status-updates/",
        f"/commitments/{objects['code']}/milestones/{objects['milestone'].pk}/edit/",
        f"/api/v1/meetings/{objects['meeting'].pk}/",
        f"/dialogues/meetings/{objects['meeting'].pk}/",
        f"/dialogues/action-items/{objects['item'].pk}/edit/",
        f"/commitments/{objects['code']}/attachments/",
        f"/commitments/{objects['code']}/milestones/{objects['milestone'].pk}/attachments/",
        f"/dialogues/meetings/{objects['meeting'].pk}/attachments/",
        f"/dialogues/action-items/{objects['item'].pk}/attachments/",
        f"/api/v1/commitments/{objects['code']}/attachments/",
        f"/api/v1/milestones/{objects['milestone'].pk}/attachments/",
        f"/api/v1/meetings/{objects['meeting'].pk}/attachments/",
        f"/api/v1/action-items/{objects['item'].pk}/attachments/",
        *attachment_urls(objects["attachments"]),
        "/notifications/",
        "/reports/summit.pdf?pillar=maritime",
        "/reports/summit.xlsx?pillar=maritime",
        "/reports/summit.pdf?pillar=maritime&since=2025-08-29&as_of="
        + timezone.localdate().isoformat(),
    ]
    # The past views follow the current markings too.
    today = timezone.localdate().isoformat()
    found += [
        f"/?as_of={today}",
        f"/api/v1/dashboard/?as_of={today}",
        f"/commitments/?as_of={today}",
        f"/api/v1/commitments/?as_of={today}",
        f"/commitments/{objects['code']}/?as_of={today}",
        f"/api/v1/commitments/{objects['code']}/?as_of={today}",
        f"/api/v1/audit-events/?commitment={objects['code']}",
    ]
    for model in ("milestone", "statusupdate", "commitment"):
        found.append(reverse(f"admin:commitments_{model}_changelist"))
    found.append(reverse("admin:audit_auditevent_changelist"))
    for model in ("meeting", "actionitem"):
        found.append(reverse(f"admin:dialogues_{model}_changelist"))
    for model in ("comment", "attachment"):
        found.append(reverse(f"admin:discussion_{model}_changelist"))
    found += [
        reverse("admin:commitments_milestone_change", args=[objects["milestone"].pk]),
        reverse("admin:commitments_statusupdate_change", args=[objects["status_update"].pk]),
        reverse("admin:dialogues_meeting_change", args=[objects["meeting"].pk]),
        reverse("admin:dialogues_actionitem_change", args=[objects["item"].pk]),
        reverse("admin:commitments_commitment_change", args=[commitment(objects["code"]).pk]),
        reverse("admin:discussion_comment_change", args=[objects["comment"].pk]),
        *(
            reverse("admin:discussion_attachment_change", args=[attachment.pk])
            for attachment in objects["attachments"]
        ),
    ]
    return found


def crawl(user, planted) -> dict[str, set[bytes]]:
    """Fetch every URL as `user`; return each sentinel seen, by its prefix and field
    (`("BI", "file")`), with the URLs it was in."""
    client = client_for(user)
    token = CalendarFeedToken.objects.create(user=user)
    seen: dict[tuple[str, str], set[str]] = {}
    paths = [
        path
        for prefix, objects in planted.items()
        for path in (
            urls(planted, prefix) if "code" in objects else attachment_urls(objects["attachments"])
        )
    ]
    paths += [f"/api/v1/calendar.ics?token={token.key}", "/"]
    for path in dict.fromkeys(paths):
        response = client.get(path)
        bodies = [body_of(response)]
        # The change feed, whole: its snapshot and every change since, page after page.
        while path.startswith("/api/v1/changes/") and response.json().get("next"):
            response = client.get(response.json()["next"])
            bodies.append(body_of(response))
        for match in SENTINEL.finditer(b"".join(bodies)):
            found = (match.group(1).decode(), match.group(2).decode())
            seen.setdefault(found, set()).add(path)
    return seen


def by_prefix(seen: dict) -> dict[str, set[str]]:
    """The sentinels seen by prefix only, with the URLs each was in."""
    prefixes: dict[str, set[str]] = {}
    for (prefix, _field), paths in seen.items():
        prefixes.setdefault(prefix, set()).update(paths)
    return prefixes


# What the crawl must find of each prefix its reader may see: a control that its new paths
# (comments, the attachments' titles and their files' contents) are reached at all.
FOUND_FIELDS = ("note", "milestone", "comment", "attachment", "file")


@pytest.mark.parametrize(
    "reader", ["jp_analyst", "jp_manager", "public_reader", "operator", "jp_admin"]
)
def test_no_page_api_export_feed_or_admin_shows_a_reader_what_is_not_theirs(world, reader):
    users, planted = world
    found = crawl(users[reader], planted)
    seen = by_prefix(found)

    leaks = {prefix: sorted(paths)[:5] for prefix, paths in seen.items()}
    leaks = {prefix: paths for prefix, paths in leaks.items() if prefix not in MAY_SEE[reader]}
    assert leaks == {}
    # The control: what they may see, they find, so the crawl would have caught a leak.
    expected = {"PU"} | ({"BI"} if reader not in ("public_reader", "operator") else set())
    assert expected <= set(seen)
    assert {(prefix, field) for prefix in expected for field in FOUND_FIELDS} <= set(found)


@pytest.mark.parametrize("reader", ["in_analyst", "in_manager"])
def test_the_indian_side_finds_its_own_national_items_and_not_japans(world, reader):
    users, planted = world
    found = crawl(users[reader], planted)
    seen = by_prefix(found)

    assert {"IN", "TI", "BI", "PU"} <= set(seen)
    assert "JP" not in seen, sorted(seen["JP"])[:5]
    mine = {"IN", "TI", "BI", "PU"}
    assert {(prefix, field) for prefix in mine for field in FOUND_FIELDS} <= set(found)


def test_a_hidden_items_urls_answer_404_not_403(world):
    users, planted = world
    client = client_for(users["jp_analyst"])
    hidden = planted["IN"]

    for path in (
        f"/api/v1/milestones/{hidden['milestone'].pk}/",
        f"/api/v1/action-items/{hidden['item'].pk}/",
        f"/commitments/{hidden['code']}/milestones/{hidden['milestone'].pk}/edit/",
        f"/dialogues/action-items/{hidden['item'].pk}/edit/",
    ):
        assert client.get(path).status_code == 404, path
    shared = planted["BI"]
    assert client.get(f"/api/v1/milestones/{shared['milestone'].pk}/").status_code == 200


def test_searches_for_hidden_text_find_and_count_nothing(world):
    users, _planted = world
    japan, india = client_for(users["jp_analyst"]), client_for(users["in_analyst"])

    for word in (
        "SENTINEL-IN-context-1",
        "SENTINEL-IN-milestone-1",
        "SENTINEL-IN-outcome-1",
        "SENTINEL-IN-comment-1",
    ):
        for path in ("/api/v1/commitments/", "/api/v1/milestones/", "/api/v1/meetings/"):
            assert japan.get(path, {"search": word}).json()["count"] == 0, (path, word)
    assert japan.get("/commitments/", {"search": "SENTINEL-IN-context-1"}).context["total"] == 0
    assert india.get("/commitments/", {"search": "SENTINEL-IN-context-1"}).context["total"] == 1
    assert japan.get("/commitments/", {"search": "SENTINEL-BI-context-2"}).context["total"] == 1
    # Comments: the commitment's and its milestone's (both on MAR-01, India-only; MAR-02's
    # bilateral ones Japan finds).
    assert japan.get("/commitments/", {"search": "SENTINEL-IN-comment-1"}).context["total"] == 0
    assert india.get("/commitments/", {"search": "SENTINEL-IN-comment-1"}).context["total"] == 1
    assert japan.get("/commitments/", {"search": "SENTINEL-BI-comment-2"}).context["total"] == 1
    assert india.get("/api/v1/meetings/", {"search": "SENTINEL-IN-outcome-1"}).json()["count"] == 1
    # Counts over what the reader may see: the two India-only milestones due tomorrow (one
    # tightened since) are not Japan's, though the bilateral and public ones (and Japan's own)
    # are.
    due = {
        name: client_for(users[name]).get("/api/v1/dashboard/").json()["milestones_due"]["count"]
        for name in ("jp_analyst", "in_analyst", "public_reader")
    }
    assert due["in_analyst"] - due["jp_analyst"] == 1  # two India-only for one Japan-only
    assert due["public_reader"] == due["jp_analyst"] - 2


def test_the_reminder_digests_name_only_what_each_recipient_may_read(world, settings):
    users, _planted = world
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user in users.values():
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.org")
    # Everyone escalated to and responsible: the Japanese manager of the pillar too.
    when = datetime.datetime.combine(
        days(1) + datetime.timedelta(days=8), datetime.time(6), tzinfo=datetime.UTC
    )
    candidates = selectors.reminders_due(when)
    reminder_services.reminders_claim(candidates, now=when)
    today = datetime.datetime.combine(days(1), datetime.time(6), tzinfo=datetime.UTC)
    reminder_services.reminders_claim(selectors.reminders_due(today), now=today)

    rendered = {}
    for reminder in Reminder.objects.select_related("digest__recipient"):
        digest = reminder.digest
        if digest.pk in rendered:
            continue
        readable = selectors.reminders_readable(
            digest.recipient, digest.reminders.order_by("kind", "title")
        )
        message = emails.digest_render(digest, readable)
        text = (message.body + "".join(a[0] for a in message.alternatives)).encode()
        rendered[digest.pk] = (digest.recipient, text)
    assert rendered, "no digest was due: the test would prove nothing"
    found: dict[str, set[str]] = {}
    for recipient, text in rendered.values():
        found.setdefault(recipient.username, set()).update(
            match.group(1).decode() for match in SENTINEL.finditer(text)
        )
    for name, user in users.items():
        assert found.get(user.username, set()) <= MAY_SEE[name], name
    # The controls: escalated to both managers of the pillar, each reads what is theirs.
    assert {"IN", "TI", "BI", "PU"} <= found[users["in_manager"].username]
    assert {"BI", "PU"} <= found[users["jp_manager"].username]
    assert mail.outbox == []
