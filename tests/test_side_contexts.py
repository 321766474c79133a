"""Each government's own context of a commitment (issue 23): one per side, each under its own
marking, written and re-marked by that side's analysts alone — through the service, the API,
the page (forged posts included) and the admin, both directions, whatever their roles, the
operator none. The tracker's note (`context`, from the data file) is no user's to overwrite. A
national-only context is never seen by the other government, on any path, and writing it
changes nothing the other side observes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from access.choices import NATIONAL_MARKING, Marking, Side
from audit.models import AuditEvent
from commitments import services
from commitments.models import CommitmentContext
from declaration_tracker.core.versioning import StaleVersionError
from tests.api_base import api_client, url
from tests.factories import analyst, chief, commitment, manager, superuser
from tests.test_official_figures import observed

pytestmark = pytest.mark.usefixtures("loaded")

CODE = "MAR-01"
BOTH = pytest.mark.parametrize(
    ("own", "other"), [("india", "japan"), ("japan", "india")], ids=["india→japan", "japan→india"]
)


@pytest.fixture
def people():
    found = {}
    for side in Side.values:
        found[side] = analyst("maritime", username=f"ctx-{side}", side=side, is_staff=True)
        found[f"{side}_manager"] = manager(username=f"ctx-{side}-mgr", side=side)
        found[f"{side}_chief"] = chief(username=f"ctx-{side}-chief", side=side)
    found["operator"] = superuser(username="ctx-operator", side="")
    return found


def write(user, side, text, **kwargs):
    return services.context_write(
        commitment=commitment(CODE), actor=user, side=side, text=text, **kwargs
    )


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- only the owning side writes its context ------------------------------------------------


@BOTH
def test_each_side_writes_its_own_context_and_never_the_others(people, own, other):
    mine = write(people[own], own, "Our reading of the clause.")
    assert (mine.side, mine.text, mine.marking, mine.version) == (
        own,
        "Our reading of the clause.",
        Marking.BILATERAL,
        1,
    )
    for intruder in (people[other], people[f"{other}_chief"], people[f"{other}_manager"]):
        with pytest.raises(PermissionDenied):
            write(intruder, own, "Overwritten by the other side.")
    with pytest.raises(PermissionDenied):
        write(people["operator"], own, "Written by the operator.")
    assert CommitmentContext.objects.get(pk=mine.pk).text == "Our reading of the clause."
    # The own side's chief writes it, held to their side like anyone.
    write(people[f"{own}_chief"], own, "Revised.", expected_version=1)
    assert CommitmentContext.objects.get(pk=mine.pk).version == 2


@BOTH
def test_a_side_marks_its_context_and_only_it_publishes_it(people, own, other):
    national = NATIONAL_MARKING[own]
    with pytest.raises(PermissionDenied):
        # Nobody marks a context for the other government only.
        write(people[own], own, "Ours.", marking=NATIONAL_MARKING[other])
    mine = write(people[own], own, "Ours.", marking=national)
    assert mine.marking == national
    # Loosening is for the side's own managers, on the re-marking path like any item.
    with pytest.raises(PermissionDenied):
        write(people[own], own, "Ours.", marking=Marking.PUBLIC, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.marking_change(
            item=mine,
            actor=people[f"{other}_manager"],
            marking=Marking.BILATERAL,
            pillar_id=mine.commitment.pillar_id,
        )
    loosened = services.marking_change(
        item=CommitmentContext.objects.get(pk=mine.pk),
        actor=people[f"{own}_manager"],
        marking=Marking.BILATERAL,
        pillar_id=mine.commitment.pillar_id,
    )
    assert loosened.marking == Marking.BILATERAL


def test_a_stale_or_concurrent_first_write_is_refused_not_lost(people):
    india = people["india"]
    write(india, "india", "First.", expected_version=0)
    with pytest.raises(StaleVersionError):
        write(india, "india", "Second, who saw none.", expected_version=0)
    with pytest.raises(StaleVersionError):
        write(india, "india", "Third, who saw an old one.", expected_version=5)
    assert CommitmentContext.objects.get(side="india").text == "First."
    with pytest.raises(ValidationError) as refused:
        write(india, "india", "x" * 4001, expected_version=1)
    assert "text" in refused.value.message_dict


# --- the API ----------------------------------------------------------------------------------


@BOTH
def test_the_api_writes_a_side_context_for_that_side_only(people, own, other):
    client = api_client(people[own])
    path = url("commitments", CODE, "contexts", own)
    created = client.put(path, {"text": "Background.", "marking": "bilateral"}, format="json")
    assert created.status_code == 200, created.content
    assert created.json()["side"] == own and created["ETag"] == '"1"'
    stale = client.put(path, {"text": "Again."}, format="json", HTTP_IF_MATCH='"7"')
    assert stale.status_code == 412
    refused = api_client(people[other]).put(path, {"text": "Theirs."}, format="json")
    assert refused.status_code == 403
    bad = client.put(path, {"text": "Again.", "marking": "secret"}, format="json")
    assert bad.status_code == 400 and "marking" in bad.json()["error"]["fields"]
    # The tracker's note is nobody's to overwrite: 400 naming the field, nothing written.
    before = commitment(CODE)
    note = client.patch(
        url("commitments", CODE),
        {"context": "Overwritten."},
        format="json",
        HTTP_IF_MATCH=f'"{before.version}"',
    )
    assert note.status_code == 400 and "context" in note.json()["error"]["fields"]
    assert commitment(CODE).context == before.context
    assert commitment(CODE).version == before.version
    shown = client.get(url("commitments", CODE)).json()["contexts"]
    assert [(c["side"], c["text"]) for c in shown] == [(own, "Background.")]


@BOTH
def test_a_national_context_is_never_read_by_the_other_side(people, own, other):
    national = NATIONAL_MARKING[own]
    write(people[own], own, "SENTINEL-CTX national words", marking=national)
    reader = people[other]
    manager_of_other = people[f"{other}_manager"]
    client = api_client(reader)
    assert client.get(url("commitments", CODE)).json()["contexts"] == []
    assert client.get(url("commitments", CODE, "contexts", own)).status_code == 404
    listed = client.get(url("commitments"), {"search": "SENTINEL-CTX"}).json()
    assert listed["count"] == 0
    page = browser(reader).get(f"/commitments/{CODE}/")
    assert b"SENTINEL-CTX" not in page.content
    found = browser(reader).get("/commitments/", {"search": "SENTINEL-CTX"})
    assert found.context["total"] == 0
    # The audit log (managers): the other side's national context is not there at all.
    audit = api_client(manager_of_other).get(url("audit-events"), {"kind": "commitment_context"})
    assert audit.status_code == 200 and audit.json()["count"] == 0
    audit_page = browser(manager_of_other).get("/audit/", {"kind": "commitment_context"})
    assert b"SENTINEL-CTX" not in audit_page.content
    assert audit_page.context["page"].paginator.count == 0
    # The admin's inline leaves it out too.
    admin_user = people[f"{other}_chief"]
    change = browser(admin_user).get(f"/admin/commitments/commitment/{commitment(CODE).pk}/change/")
    assert change.status_code == 200 and b"SENTINEL-CTX" not in change.content
    # Its own side reads it everywhere.
    mine = api_client(people[own])
    assert mine.get(url("commitments", CODE)).json()["contexts"][0]["text"].startswith("SENTINEL")
    assert mine.get(url("commitments"), {"search": "SENTINEL-CTX"}).json()["count"] == 1
    assert b"SENTINEL-CTX" in browser(people[own]).get(f"/commitments/{CODE}/").content
    own_audit = api_client(people[f"{own}_manager"]).get(
        url("audit-events"), {"kind": "commitment_context"}
    )
    assert own_audit.json()["count"] == 1


@BOTH
def test_writing_a_national_context_changes_nothing_the_other_side_observes(
    people, own, other, settings
):
    from webhooks import services as webhook_services

    settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK = True
    hook = webhook_services.subscription_create(
        actor=people[f"{other}_manager"],
        url="http://127.0.0.1:9/ctx",
        events=["commitment.changed", "commitment.status_changed"],
        reader=people[f"{other}_manager"],
    )
    since = timezone.now()
    before = observed(people[other], hook, since)
    audit_before = api_client(people[f"{other}_manager"]).get(url("audit-events")).json()
    # Written, edited, cleared and written again, all national-only.
    mine = write(people[own], own, "Written national.", marking=NATIONAL_MARKING[own])
    write(people[own], own, "Edited.", expected_version=mine.version)
    write(people[own], own, "", expected_version=mine.version + 1)
    write(people[own], own, "Edited national.", expected_version=mine.version + 2)
    after = observed(people[other], hook, since)
    audit_after = api_client(people[f"{other}_manager"]).get(url("audit-events")).json()
    assert after == before
    assert audit_after == audit_before
    # The control: a bilateral context is read by the other side.
    services.marking_change(
        item=CommitmentContext.objects.get(side=own),
        actor=people[f"{own}_manager"],
        marking=Marking.BILATERAL,
        pillar_id=commitment(CODE).pillar_id,
    )
    shown = api_client(people[other]).get(url("commitments", CODE)).json()["contexts"]
    assert [c["text"] for c in shown] == ["Edited national."]


# --- the page -----------------------------------------------------------------------------


@BOTH
def test_the_page_offers_the_own_sides_form_only_and_refuses_a_forged_post(people, own, other):
    page = browser(people[own]).get(f"/commitments/{CODE}/")
    assert f'action="/commitments/{CODE}/contexts/{own}/"'.encode() in page.content
    assert f'action="/commitments/{CODE}/contexts/{other}/"'.encode() not in page.content
    saved = browser(people[own]).post(
        f"/commitments/{CODE}/contexts/{own}/",
        {"text": "From the page.", "marking": "bilateral", "version": "0"},
    )
    assert saved.status_code == 302
    assert CommitmentContext.objects.get(side=own).text == "From the page."
    forged = browser(people[other]).post(
        f"/commitments/{CODE}/contexts/{own}/",
        {"text": "Forged.", "marking": "bilateral", "version": "1"},
    )
    assert forged.status_code == 403
    assert CommitmentContext.objects.get(side=own).text == "From the page."
    # A stale form is shown again with what the user wrote, nothing overwritten.
    stale = browser(people[own]).post(
        f"/commitments/{CODE}/contexts/{own}/",
        {"text": "Mine, late.", "marking": "bilateral", "version": "0"},
    )
    assert stale.status_code == 409
    assert "Mine, late." in stale.content.decode()
    assert CommitmentContext.objects.get(side=own).text == "From the page."
    shown = browser(people[other]).get(f"/commitments/{CODE}/")
    assert b"From the page." in shown.content
    # A first write claiming a version that never was is a conflict, never an error page.
    forged_first = browser(people[other]).post(
        f"/commitments/{CODE}/contexts/{other}/",
        {"text": "Ours.", "marking": "bilateral", "version": "5"},
    )
    assert forged_first.status_code == 409
    assert not CommitmentContext.objects.filter(side=other).exists()


def test_a_context_change_is_in_the_audit_log_under_its_marking(people):
    mine = write(people["india"], "india", "Recorded.", marking=Marking.INDIA_ONLY)
    event = AuditEvent.objects.get(object_id=str(mine.pk), content_type__model="commitmentcontext")
    assert event.commitment_code == CODE and event.marking == Marking.INDIA_ONLY
    assert event.actor == people["india"] and event.changes["text"] == [None, "Recorded."]
