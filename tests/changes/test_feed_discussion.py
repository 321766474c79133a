"""Comments and attachments in the change feed (issue 26): types of their own (`comment`,
`attachment`), each object as `/api/v1/comments/<id>/` or `/api/v1/attachments/<id>/` gives it
to the reader, gated by its marking as every wholly marked kind: the other government's national
ones are nothing in the feed (no entry, no position), a narrowing is a `delete` for whoever lost
it, a deleted comment is its tombstone. Both directions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access.choices import Marking
from commitments import services
from discussion import attachment_services
from discussion.comment_services import comment_create, comment_delete, comment_update
from tests.api_base import api_client
from tests.changes.sync import FEED, Replica, fresh, page_cost
from tests.factories import analyst, commitment, days, manager

pytestmark = pytest.mark.usefixtures("loaded")

BOTH = pytest.mark.parametrize(
    ("own", "other"), [("india", "japan"), ("japan", "india")], ids=["india→japan", "japan→india"]
)
NATIONAL = {"india": Marking.INDIA_ONLY, "japan": Marking.JAPAN_ONLY}
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "attachments": {
            "BACKEND": "discussion.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        }
    }
    settings.TRACKER_CLAMD_SOCKET = ""


@pytest.fixture
def people():
    found = {"public": manager(username="fd-pub", side="")}
    for side in ("india", "japan"):
        found[side] = analyst("maritime", username=f"fd-{side}", side=side)
        found[f"{side}_reader"] = manager(username=f"fd-{side}-mgr", side=side)
    return found


def replicas(people) -> dict[str, Replica]:
    return {
        key: Replica(api_client(people[f"{key}_reader" if key != "public" else key])).run()
        for key in ("india", "japan", "public")
    }


def attach(actor, title, **fields):
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    return attachment_services.attachment_add(
        target=commitment("MAR-01"), actor=actor, upload=upload, title=title, **fields
    )


@BOTH
def test_comments_and_attachments_reach_the_readers_of_their_marking_as_the_api_shows_them(
    people, own, other
):
    copies = replicas(people)
    before = {key: list(replica.seqs) for key, replica in copies.items()}
    shared = comment_create(target=commitment("MAR-01"), actor=people[own], body="FEED-SHARED")
    secret = comment_create(
        target=commitment("MAR-01"),
        actor=people[own],
        body="FEED-NATIONAL",
        marking=NATIONAL[own],
    )
    minutes = attach(people[own], "FEED-MINUTES")
    national_minutes = attach(people[own], "FEED-NATIONAL-MINUTES", marking=NATIONAL[own])
    for replica in copies.values():
        replica.run()

    mine = api_client(people[f"{own}_reader"])
    for key, path in (
        (("comment", shared.pk), f"/api/v1/comments/{shared.pk}/"),
        (("comment", secret.pk), f"/api/v1/comments/{secret.pk}/"),
        (("attachment", minutes.pk), f"/api/v1/attachments/{minutes.pk}/"),
        (("attachment", national_minutes.pk), f"/api/v1/attachments/{national_minutes.pk}/"),
    ):
        assert copies[own].copy[key] == mine.get(path).json()
    theirs = copies[other].copy
    assert theirs[("comment", shared.pk)]["body"] == "FEED-SHARED"
    assert theirs[("attachment", minutes.pk)]["title"] == "FEED-MINUTES"
    assert ("comment", secret.pk) not in theirs and (
        "attachment",
        national_minutes.pk,
    ) not in theirs
    assert "FEED-NATIONAL" not in str(theirs)
    # The national ones took no position in the other government's sequence.
    assert len(copies[other].seqs) - len(before[other]) == 2
    # Bilateral: nothing of either reaches the public reader, not even a position.
    assert copies["public"].seqs == before["public"]
    for key in ("india", "japan", "public"):
        reader = people[f"{key}_reader" if key != "public" else key]
        assert copies[key].copy == fresh(api_client(reader))


@BOTH
def test_an_edit_is_an_upsert_and_a_deleted_comment_its_tombstone(people, own, other):
    comment = comment_create(target=commitment("MAR-01"), actor=people[own], body="First.")
    copies = replicas(people)
    key = ("comment", comment.pk)
    comment = comment_update(
        comment=comment, actor=people[own], expected_version=comment.version, body="Second."
    )
    copies[other].run()
    assert copies[other].copy[key]["body"] == "Second."
    assert copies[other].copy[key]["edited_at"] is not None
    comment_delete(comment=comment, actor=people[own], expected_version=comment.version)
    for side in (own, other):
        copies[side].run()
        tombstone = copies[side].copy[key]
        assert tombstone["deleted"] is True
        assert tombstone["body"] == "" and tombstone["body_html"] == ""
        assert "Second." not in str(copies[side].copy)


@BOTH
def test_a_comment_narrowed_leaves_the_other_sides_copy_and_comes_back_widened(people, own, other):
    author = people[f"{own}_reader"]  # a manager: widened again by a manager only
    comment = comment_create(target=commitment("MAR-01"), actor=author, body="FEED-LATER-NATIONAL")
    copy = Replica(api_client(people[f"{other}_reader"])).run()
    key = ("comment", comment.pk)
    assert key in copy.copy
    comment = comment_update(
        comment=comment,
        actor=author,
        expected_version=comment.version,
        marking=NATIONAL[own],
    )
    page = api_client(people[f"{other}_reader"]).get(FEED, {"since": copy.token}).json()
    assert [e for e in page["results"] if (e["type"], e["id"]) == key] == [
        {"seq": page["results"][-1]["seq"], "type": "comment", "id": comment.pk, "op": "delete"}
    ]
    copy.run()
    assert key not in copy.copy and "FEED-LATER-NATIONAL" not in str(copy.copy)
    comment_update(
        comment=comment,
        actor=author,
        expected_version=comment.version,
        marking=Marking.BILATERAL,
    )
    copy.run()
    assert copy.copy[key]["body"] == "FEED-LATER-NATIONAL"


@BOTH
def test_narrowing_a_milestone_takes_its_comments_and_attachments_out_of_reach(people, own, other):
    milestone = services.milestone_create(
        commitment=commitment("MAR-01"), actor=people[own], title="Step", due_date=days(30)
    )
    comment = comment_create(target=milestone, actor=people[own], body="FEED-ON-STEP")
    upload = SimpleUploadedFile("step.pdf", PDF, content_type="application/pdf")
    document = attachment_services.attachment_add(
        target=milestone, actor=people[own], upload=upload, title="FEED-STEP-MINUTES"
    )
    copy = Replica(api_client(people[f"{other}_reader"])).run()
    assert ("comment", comment.pk) in copy.copy and ("attachment", document.pk) in copy.copy
    milestone.refresh_from_db()
    services.marking_change(
        item=milestone,
        actor=people[own],
        marking=NATIONAL[own],
        pillar_id=milestone.commitment.pillar_id,
    )
    copy.run()
    assert ("comment", comment.pk) not in copy.copy
    assert ("attachment", document.pk) not in copy.copy
    assert "FEED-ON-STEP" not in str(copy.copy) and "FEED-STEP-MINUTES" not in str(copy.copy)
    assert copy.copy == fresh(api_client(people[f"{other}_reader"]))


@BOTH
def test_a_removed_attachment_is_a_delete_for_its_readers_only(people, own, other):
    shared = attach(people[own], "Shared minutes")
    national = attach(people[own], "National minutes", marking=NATIONAL[own])
    copies = replicas(people)
    before = list(copies[other].seqs)
    for document in (shared, national):
        attachment_services.attachment_remove(
            attachment=document, actor=people[own], expected_version=document.version
        )
    for side in (own, other):
        copies[side].run()
        assert ("attachment", shared.pk) not in copies[side].copy
    assert ("attachment", national.pk) not in copies[own].copy
    assert len(copies[other].seqs) - len(before) == 1  # the shared one's delete only


def test_a_renamed_author_changes_their_comments_and_attachments(people):
    author = people["india"]
    comment = comment_create(target=commitment("MAR-01"), actor=author, body="Signed.")
    document = attach(author, "Minutes")
    copy = Replica(api_client(people["japan_reader"])).run()
    author.username = "fd-india-renamed"
    author.save()
    copy.run()
    assert copy.copy[("comment", comment.pk)]["author"] == "fd-india-renamed"
    assert copy.copy[("attachment", document.pk)]["created_by"] == "fd-india-renamed"


def test_a_page_of_comments_costs_the_same_queries_however_many(people):
    client = api_client(people["india_reader"])
    token = Replica(client).run().token
    milestone = services.milestone_create(
        commitment=commitment("MAR-01"), actor=people["india"], title="Step", due_date=days(30)
    )

    def queries_after(count: int, word: str) -> tuple[int, int]:
        for n in range(count):
            comment_create(target=commitment("MAR-01"), actor=people["india"], body=f"{word} {n}")
            comment_create(target=milestone, actor=people["japan"], body=f"{word} {n}")
            attach(people["japan"], f"{word} {n}")
        return page_cost(client, token)

    few, few_entries = queries_after(2, "Few")
    many, many_entries = queries_after(20, "Many")
    assert many_entries > few_entries + 50
    assert many == few


@BOTH
def test_a_reconciliation_reaches_both_governments_follows_its_positions_and_closes(
    people, own, other
):
    """Bilateral: each side's copy has it as /api/v1/reconciliations/<id>/ gives it, its
    positions moving with each status update, closed once the sides agree; the public reader's
    copy has nothing of it."""
    from commitments.choices import Status
    from discussion.models import Reconciliation

    copies = replicas(people)

    def report(side, status):
        services.status_update_create(
            commitment=commitment("MAR-01"),
            author=people[side],
            side=side,
            status=status,
            note="Assessed.",
            expected_version=None,
        )

    report(own, Status.ON_TRACK)
    found = Reconciliation.objects.get(commitment__code="MAR-01", closed_at=None)
    key = ("reconciliation", found.pk)
    for side in (own, other):
        copies[side].run()
        assert (
            copies[side].copy[key]
            == api_client(people[f"{side}_reader"])
            .get(f"/api/v1/reconciliations/{found.pk}/")
            .json()
        )
        assert copies[side].copy[key]["positions"][own]["status"] == Status.ON_TRACK
    report(own, Status.AT_RISK)  # apart still: the same reconciliation, its position moved
    copies[other].run()
    assert copies[other].copy[key]["positions"][own]["status"] == Status.AT_RISK
    report(other, Status.AT_RISK)
    copies[other].run()
    assert copies[other].copy[key]["state"] == "closed"
    assert copies[other].copy[key]["settled"][0]["how"] == "agreed"
    copies["public"].run()
    assert not [k for k in copies["public"].copy if k[0] == "reconciliation"]
    assert copies["public"].copy == fresh(api_client(people["public"]))
