"""The change feed (`GET /api/v1/changes/`): a snapshot, then every change, deletions and
losses of access included, per reader; pages, tokens, 400 and 410."""

import pytest

from access.choices import Marking
from commitments import services
from commitments.models import Milestone, StatusUpdate, User
from tests.api_base import api_client, assert_error, url
from tests.changes.sync import FEED, Replica, fresh, page_cost
from tests.factories import analyst, commitment, days, manager, updated

pytestmark = pytest.mark.usefixtures("loaded")

BOTH = pytest.mark.parametrize(
    ("own", "other"), [("india", "japan"), ("japan", "india")], ids=["india→japan", "japan→india"]
)


@pytest.fixture
def readers():
    return {
        "india": manager(username="feed-in", side="india"),
        "japan": manager(username="feed-jp", side="japan"),
        "public": manager(username="feed-pub", side=""),
    }


def writer(side):
    found = User.objects.filter(username=f"feed-writer-{side}").first()
    return found or analyst("maritime", username=f"feed-writer-{side}", side=side)


def milestone_of(side, title, **fields):
    return services.milestone_create(
        commitment=commitment("MAR-01"),
        actor=writer(side),
        title=title,
        due_date=days(60),
        **fields,
    )


def test_a_first_run_is_a_snapshot_of_everything_the_reader_may_read(readers):
    replica = Replica(api_client(readers["india"])).run()
    kinds = {kind for kind, _id in replica.copy}
    assert {"pillar", "organisation", "dialogue", "commitment"} <= kinds
    mar01 = replica.copy[("commitment", "MAR-01")]
    assert mar01 == api_client(readers["india"]).get(url("commitments", "MAR-01")).json()
    pillars = api_client(readers["india"]).get(url("pillars")).json()
    assert {("pillar", p["slug"]) for p in pillars} <= set(replica.copy)
    # Nothing changed since: the next run is empty.
    token = replica.token
    assert api_client(readers["india"]).get(FEED, {"since": token}).json()["results"] == []


def test_pages_follow_next_and_the_token_resumes(readers):
    client = api_client(readers["japan"])
    small = Replica(client).run(page_size=7)
    assert small.pages > 3
    assert small.copy == fresh(client)


@BOTH
def test_an_update_and_a_delete_reach_the_readers(readers, own, other):
    milestone = milestone_of(own, "Joint port call plan")
    replicas = {side: Replica(api_client(reader)).run() for side, reader in readers.items()}
    key = ("milestone", milestone.pk)
    assert key in replicas[own].copy and key in replicas[other].copy
    assert key not in replicas["public"].copy  # bilateral: not the public reader's
    services.milestone_update(
        milestone=milestone,
        actor=writer(own),
        expected_version=milestone.version,
        title="Joint port call plan, revised",
    )
    for side in (own, other):
        replicas[side].run()
        assert replicas[side].copy[key]["title"] == "Joint port call plan, revised"
    milestone.refresh_from_db()
    services.milestone_delete(
        milestone=milestone, actor=writer(own), expected_version=milestone.version
    )
    for side, replica in replicas.items():
        before = len(replica.seqs)
        replica.run()
        assert key not in replica.copy
        assert replica.copy == fresh(api_client(readers[side]))
        if side == "public":
            # The public reader never learned of it: no delete of something never seen.
            assert len(replica.seqs) == before or all(e != key for e in replica.copy)


@BOTH
def test_a_national_item_is_nothing_to_the_other_government(readers, own, other):
    client = api_client(readers[other])
    replica = Replica(client).run()
    seq_before = list(replica.seqs)
    token = replica.token
    milestone = milestone_of(own, f"{own} internal step", marking=f"{own}_only")
    services.milestone_update(
        milestone=milestone,
        actor=writer(own),
        expected_version=milestone.version,
        title=f"{own} internal step, revised",
    )
    body = client.get(FEED, {"since": token}).json()
    # Not the milestone, not its commitment (its internal progress is the owner's alone),
    # and no position spent: the other side's sequence has not moved.
    assert body["results"] == []
    assert replica.seqs == seq_before
    own_replica = Replica(api_client(readers[own])).run()
    assert ("milestone", milestone.pk) in own_replica.copy


@BOTH
def test_remarking_out_of_reach_is_a_delete_and_back_an_upsert(readers, own, other):
    milestone = milestone_of(own, "Shared step")
    replica = Replica(api_client(readers[other])).run()
    key = ("milestone", milestone.pk)
    assert key in replica.copy
    milestone = services.marking_change(
        item=milestone,
        actor=writer(own),
        marking=f"{own}_only",
        pillar_id=milestone.commitment.pillar_id,
    )
    page = api_client(readers[other]).get(FEED, {"since": replica.token}).json()["results"]
    gone = [e for e in page if (e["type"], e["id"]) == key]
    assert gone == [
        {"seq": gone[0]["seq"], "type": "milestone", "id": milestone.pk, "op": "delete"}
    ]
    replica.run()
    assert key not in replica.copy
    services.marking_change(
        item=type(milestone).objects.get(pk=milestone.pk),
        actor=manager(side=own),
        marking=Marking.BILATERAL,
        pillar_id=milestone.commitment.pillar_id,
    )
    replica.run()
    assert replica.copy[key]["title"] == "Shared step"
    assert replica.copy == fresh(api_client(readers[other]))


def test_a_bad_token_is_a_400_naming_since(readers):
    response = api_client(readers["india"]).get(FEED, {"since": "not-a-token"})
    assert_error(response, 400, fields=["since"])
    response = api_client(readers["india"]).get(FEED, {"page_size": "501"})
    assert_error(response, 400, fields=["page_size"])


@BOTH
def test_a_token_of_the_other_government_is_refused(readers, own, other):
    token = Replica(api_client(readers[own])).run().token
    response = api_client(readers[other]).get(FEED, {"since": token})
    assert_error(response, 410)


@BOTH
def test_a_copy_of_marked_text_follows_its_source_out_of_reach(readers, own, other):
    """A milestone's completion moves the official progress; the trail entry quoting the
    milestone's title is a copy under its marking. Re-marked national, the milestone leaves
    the other side's copy, and so does the title in the trail entry's note."""
    milestone = milestone_of(own, f"Step only {own} will keep")
    services.milestone_update(
        milestone=milestone,
        actor=writer(own),
        expected_version=milestone.version,
        completed_on=days(-1),
    )
    quoting = StatusUpdate.objects.get(source_milestone=milestone.pk)
    replica = Replica(api_client(readers[other])).run()
    copy = replica.copy[("status_update", quoting.pk)]
    assert f"Step only {own} will keep" in copy["note"]
    milestone = Milestone.objects.get(pk=milestone.pk)
    services.marking_change(
        item=milestone,
        actor=writer(own),
        marking=f"{own}_only",
        pillar_id=milestone.commitment.pillar_id,
    )
    replica.run()
    assert ("milestone", milestone.pk) not in replica.copy
    assert f"Step only {own} will keep" not in str(replica.copy)
    assert replica.copy == fresh(api_client(readers[other]))


def test_a_page_costs_the_same_queries_however_long_the_history(readers):
    """Indexed by position: a page of the feed reads a constant number of rows and
    representations per type, whether 3 or 60 changes wait, whatever came before."""
    client = api_client(readers["india"])
    token = Replica(client).run().token

    def queries_after(milestones: int, word: str) -> tuple[int, int]:
        """Write, then read the page from the same token: (queries, entries)."""
        for n in range(milestones):
            milestone_of("india", f"{word} {n}")
        services.status_update_create(
            commitment=commitment("MAR-01"),
            author=writer("india"),
            status="on_track",
            note=f"{word}.",
            expected_version=None,
        )
        return page_cost(client, token)

    few, few_entries = queries_after(3, "Few")
    many, many_entries = queries_after(60, "Many")
    assert many_entries > few_entries + 50
    assert many == few


def test_a_renamed_user_or_organisation_changes_the_objects_showing_them(readers):
    """A commitment shows its responsible users and lead organisations by name: renaming
    them changes the commitment's representation, so the feed gives it again."""
    client = api_client(readers["japan"])
    mar01 = commitment("MAR-01")
    person = writer("india")
    updated(mar01.code, responsible_india=person)
    replica = Replica(client).run()
    person.first_name, person.last_name = "Asha", "Verma"
    person.save()
    organisation = mar01.lead_organisations.first()
    organisation.name = f"{organisation.name} (renamed)"
    organisation.save()
    replica.run()
    shown = replica.copy[("commitment", "MAR-01")]
    assert shown["responsible_india"]["name"] == "Asha Verma"
    assert organisation.name in [o["name"] for o in shown["lead_organisations"]]
    assert replica.copy == fresh(client)
    # A log-in (its `last_login` alone) changes nothing anyone is shown.
    before = len(replica.seqs)
    person.save(update_fields=["last_login"])
    replica.run()
    assert len(replica.seqs) == before


def test_every_resource_the_api_serves_is_in_the_feed():
    """What the API serves by a view set of its own is a type of the feed (a later resource
    added without it fails here), and the log and the feed name the same types."""
    from django.urls import get_resolver

    from changes import feed, recording

    served = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "cls", None)
            queryset = getattr(view, "queryset", None)
            if queryset is not None and view.__module__.split(".")[0] != "bench":
                served.add(queryset.model._meta.label_lower)

    walk(get_resolver().url_patterns)
    not_data = {
        "audit.auditevent",  # the audit log: a log of its own, read by id
        "webhooks.webhooksubscription",  # a manager's own configuration
    }
    assert served - not_data <= set(recording.TYPES)
    assert {kind.name for kind in feed.TYPES} == set(recording.TYPES.values())


def test_an_official_text_loaded_reaches_every_copy_of_the_declaration_and_its_commitments(
    readers,
):
    """`load_declaration --source`: the declaration's list of documents and the commitments'
    official clauses change in every reader's copy (they carry no marking)."""
    from django.core.management import call_command

    from tests.data import OFFICIAL_TEXT_SAMPLE

    replicas = {who: Replica(api_client(reader)).run() for who, reader in readers.items()}
    for replica in replicas.values():
        (declaration,) = [v for (kind, _id), v in replica.copy.items() if kind == "declaration"]
        assert [d["kind"] for d in declaration["sources"]] == ["unofficial_summary"]

    call_command("load_declaration", "--source", str(OFFICIAL_TEXT_SAMPLE), verbosity=0)

    for who, replica in replicas.items():
        replica.run()
        (declaration,) = [v for (kind, _id), v in replica.copy.items() if kind == "declaration"]
        assert [d["kind"] for d in declaration["sources"]] == [
            "unofficial_summary",
            "official_text",
        ], who
        clauses = replica.copy[("commitment", "MAR-01")]["official_clauses"]
        assert [c["text"] for c in clauses] == [
            c["text"]
            for c in api_client(readers[who])
            .get(url("commitments", "MAR-01"))
            .json()["official_clauses"]
        ]
        assert clauses, who
