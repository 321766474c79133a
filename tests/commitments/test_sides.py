"""Two governments on one record: each side's assessment and the official status agreed by both.

Service tests for every path of the rule (`commitments.official_status`), a property test of
random sequences of status updates against a reference model written from the rule's words, the
trail replaying to the state it left, two processes updating at the same instant, and the migration
that gave existing data its two sides.
"""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from access.choices import Side
from commitments import services
from commitments.choices import CLOSING_STATUSES, LeadSide, Status, TrailKind
from commitments.models import StatusUpdate
from tests import racing, scratch
from tests.factories import analyst, chief, commitment, days, led_by, superuser

pytestmark = pytest.mark.usefixtures("loaded")

INDIA, JAPAN = Side.INDIA, Side.JAPAN


@pytest.fixture
def india():
    return analyst("maritime", username="asha", side=INDIA)


@pytest.fixture
def japan():
    return analyst("maritime", username="kenji", side=JAPAN)


def update_status(code, author, status, note="Reviewed.", **kw):
    return services.status_update_create(
        commitment=commitment(code),
        author=author,
        status=status,
        note=note,
        expected_version=kw.pop("expected_version", None),
        **kw,
    )


def confirm(code, author, note="Agreed.", **kw):
    return services.assessment_confirm(
        commitment=commitment(code), author=author, note=note, expected_version=None, **kw
    )


def state(code: str) -> tuple:
    c = commitment(code)
    return (c.status, c.india_status, c.japan_status, c.awaiting_side)


# --- a commitment led by one side -------------------------------------------------------------


def test_the_lead_sides_assessment_is_official_at_once(india, japan):
    led_by(JAPAN, "MAR-01")

    update = update_status("MAR-01", japan, Status.AT_RISK, "Funding delayed.")

    assert state("MAR-01") == (Status.AT_RISK, Status.NOT_STARTED, Status.AT_RISK, "")
    assert (update.side, update.kind, update.assessment) == (JAPAN, TrailKind.REPORT, "at_risk")
    assert (update.from_status, update.to_status) == (Status.NOT_STARTED, Status.AT_RISK)
    assert not commitment("MAR-01").sides_agree
    # The counterpart's different view is shown, and changes nothing official.
    update_status("MAR-01", india, Status.ON_TRACK, "We see no delay.")
    assert state("MAR-01") == (Status.AT_RISK, Status.ON_TRACK, Status.AT_RISK, "")


@pytest.mark.parametrize("closing", CLOSING_STATUSES)
def test_closing_a_lead_side_commitment_is_proposed_until_the_other_side_confirms(
    india, japan, closing
):
    led_by(INDIA, "MAR-02")
    update_status("MAR-02", india, Status.ON_TRACK, "Under way.")
    update_status("MAR-02", japan, Status.ON_TRACK, "Under way.")

    proposal = update_status("MAR-02", india, closing, "Done on our side.")

    target = commitment("MAR-02")
    assert state("MAR-02") == (Status.ON_TRACK, closing, Status.ON_TRACK, JAPAN)
    assert target.awaiting_since == proposal.created_at
    assert proposal.to_status == Status.ON_TRACK  # proposed, not official

    confirmation = confirm("MAR-02", japan, "Confirmed at the review.")

    assert state("MAR-02") == (closing, closing, closing, "")
    assert commitment("MAR-02").awaiting_since is None
    assert (confirmation.kind, confirmation.side, confirmation.assessment) == (
        TrailKind.CONFIRM,
        JAPAN,
        closing,
    )
    assert (confirmation.from_status, confirmation.to_status) == (Status.ON_TRACK, closing)
    if closing == Status.COMPLETED:
        assert commitment("MAR-02").progress == 100


def test_declining_a_proposal_keeps_the_official_status_and_awaits_the_proposer(india, japan):
    led_by(INDIA, "MAR-03")
    update_status("MAR-03", india, Status.COMPLETED, "Done.")

    decline = update_status("MAR-03", japan, Status.AT_RISK, "Our part is not finished.")

    assert decline.kind == TrailKind.DECLINE
    assert (decline.from_status, decline.to_status) == (Status.NOT_STARTED, Status.NOT_STARTED)
    assert state("MAR-03") == (Status.NOT_STARTED, Status.COMPLETED, Status.AT_RISK, INDIA)
    # The lead answers by withdrawing the proposal: its new assessment is official at once.
    update_status("MAR-03", india, Status.AT_RISK, "Agreed, not finished.")
    assert state("MAR-03") == (Status.AT_RISK, Status.AT_RISK, Status.AT_RISK, "")


# --- a joint commitment ------------------------------------------------------------------------


def test_a_joint_commitment_moves_only_when_both_sides_agree(india, japan):
    assert commitment("MAR-04").lead_side == LeadSide.JOINT

    first = update_status("MAR-04", india, Status.ON_TRACK, "Plan agreed in Delhi.")

    assert state("MAR-04") == (Status.NOT_STARTED, Status.ON_TRACK, Status.NOT_STARTED, JAPAN)
    assert first.to_status == Status.NOT_STARTED
    assert commitment("MAR-04").awaiting_since == first.created_at

    second = update_status("MAR-04", japan, Status.ON_TRACK, "Plan agreed in Tokyo.")

    assert second.kind == TrailKind.CONFIRM
    assert state("MAR-04") == (Status.ON_TRACK, Status.ON_TRACK, Status.ON_TRACK, "")

    # A difference of view later: the official status stays at the last agreed one.
    update_status("MAR-04", japan, Status.OFF_TRACK, "Vessel availability lapsed.")
    assert state("MAR-04") == (Status.ON_TRACK, Status.ON_TRACK, Status.OFF_TRACK, INDIA)
    update_status("MAR-04", india, Status.AT_RISK, "At risk, not off track.")
    assert state("MAR-04") == (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, JAPAN)
    confirm("MAR-04", japan)
    assert state("MAR-04") == (Status.AT_RISK, Status.AT_RISK, Status.AT_RISK, "")


def test_two_analysts_carry_a_joint_commitment_from_not_started_to_completed(india, japan):
    steps = [
        (india, Status.ON_TRACK),
        (japan, Status.ON_TRACK),
        (japan, Status.AT_RISK),
        (india, Status.AT_RISK),
        (india, Status.COMPLETED),
        (japan, Status.COMPLETED),
    ]
    officials = []
    for author, status in steps:
        update_status("MAR-05", author, status)
        officials.append(commitment("MAR-05").status)

    assert officials == [
        Status.NOT_STARTED,
        Status.ON_TRACK,
        Status.ON_TRACK,
        Status.AT_RISK,
        Status.AT_RISK,
        Status.COMPLETED,
    ]
    assert commitment("MAR-05").progress == 100
    assert_trail_replays("MAR-05")


def test_progress_without_milestones_follows_the_official_assessment(india, japan):
    update_status("MAR-06", india, Status.ON_TRACK, "Forty per cent.", progress=40)
    assert commitment("MAR-06").progress == 0  # proposed, not agreed

    confirm("MAR-06", japan)  # takes India's status and the progress proposed with it

    assert (commitment("MAR-06").status, commitment("MAR-06").progress) == (Status.ON_TRACK, 40)
    # The agreed status: its progress applies.
    update_status("MAR-06", japan, Status.ON_TRACK, "Now half.", progress=50)
    assert commitment("MAR-06").progress == 50


def test_progress_from_milestones_is_unchanged_by_status_updates(india, japan):
    services.milestone_create(
        commitment=commitment("MAR-07"), actor=india, title="Step", due_date=days(5)
    )
    with pytest.raises(ValidationError) as error:
        update_status("MAR-07", india, Status.ON_TRACK, progress=50)
    assert "progress" in error.value.message_dict
    services.milestone_create(
        commitment=commitment("MAR-07"),
        actor=japan,
        title="Done step",
        due_date=days(5),
        completed_on=days(0),
    )
    update = commitment("MAR-07").status_updates.order_by("-version").first()
    assert (update.kind, update.side, update.to_progress) == (TrailKind.PROGRESS, JAPAN, 50)
    assert update.assessment == ""


# --- who may update the status for which side -------------------------------------------------


def test_an_analyst_updates_the_status_for_their_own_side_only(india):
    with pytest.raises(PermissionDenied):
        update_status("MAR-01", india, Status.AT_RISK, side=JAPAN)
    with pytest.raises(PermissionDenied):
        confirm("MAR-01", india, side=JAPAN)
    assert not StatusUpdate.objects.filter(commitment__code="MAR-01").exists()


def test_the_operator_updates_no_sides_status_and_a_chief_their_own_only():
    # Issue 25: the operator, of neither side, gives no side's assessment (issue 23 held a
    # superuser to their side; the operator has none).
    operator = superuser(side="")
    for side in (INDIA, JAPAN):
        with pytest.raises(PermissionDenied):
            update_status("MAR-01", operator, Status.AT_RISK, side=side)

    admin = chief(side=INDIA)
    with pytest.raises(PermissionDenied):
        update_status("MAR-01", admin, Status.AT_RISK, side=JAPAN)
    update_status("MAR-01", admin, Status.AT_RISK, side=INDIA)

    assert state("MAR-01") == (Status.NOT_STARTED, Status.AT_RISK, Status.NOT_STARTED, JAPAN)


def test_confirming_when_the_sides_already_agree_is_refused_and_writes_nothing(japan):
    with pytest.raises(ValidationError) as error:
        confirm("MAR-01", japan)

    assert "status" in error.value.message_dict
    assert not StatusUpdate.objects.filter(commitment__code="MAR-01").exists()


# --- the awaited side after any sequence of status updates: a reference model ---------------


def reference(lead_side: str, updates: list[tuple[str, str]]) -> tuple[str, str, str, str]:
    """The rule, as the declaration's follow-up states it, replayed over the whole history.

    The official status is the status at the latest moment the rule let it move: for a joint
    commitment, the latest status update after which both sides gave the same status; for one
    led by a side, the latest status update after which the lead's status was not a closing one,
    or both sides agreed. The awaited side: while the sides differ in a way that holds the
    official status back, the one whose latest status update is not the newest.
    """
    views = {INDIA: Status.NOT_STARTED, JAPAN: Status.NOT_STARTED}
    official = Status.NOT_STARTED
    for side, status in updates:
        views[side] = status
        agree = views[INDIA] == views[JAPAN]
        if agree:
            official = status
        elif lead_side != LeadSide.JOINT and views[lead_side] not in CLOSING_STATUSES:
            official = views[lead_side]
    held_back = views[INDIA] != views[JAPAN] and (
        lead_side == LeadSide.JOINT or views[lead_side] in CLOSING_STATUSES
    )
    newest = updates[-1][0] if updates else None
    awaiting = (JAPAN if newest == INDIA else INDIA) if held_back else ""
    return (official, views[INDIA], views[JAPAN], awaiting)


UPDATES = st.lists(
    st.tuples(st.sampled_from([INDIA, JAPAN]), st.sampled_from(Status.values)),
    min_size=1,
    max_size=12,
)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lead_side=st.sampled_from(LeadSide.values), updates=UPDATES)
def test_any_sequence_of_status_updates_ends_where_the_reference_model_says(lead_side, updates):
    authors = {
        INDIA: analyst("maritime", username="ref-in", side=INDIA),
        JAPAN: analyst("maritime", username="ref-jp", side=JAPAN),
    }
    with transaction.atomic():
        led_by(lead_side, "MAR-01")
        for n, (side, status) in enumerate(updates, start=1):
            update_status("MAR-01", authors[side], status, f"{side} says {status}")
            # After every status update, not only the last: the awaited side is right all along.
            assert state("MAR-01") == reference(lead_side, updates[:n]), updates[:n]
        assert_trail_replays("MAR-01")
        transaction.set_rollback(True)


@hypothesis_settings(max_examples=5, deadline=None)
@given(lead_side=st.sampled_from(LeadSide.values))
def test_the_reference_model_is_not_the_rule_restated_it_tells_a_wrong_implementation(
    lead_side,
):
    """The model can fail: against an 'official is the latest status' rule it disagrees."""
    updates = [(INDIA, Status.ON_TRACK), (JAPAN, Status.COMPLETED)]
    last_writer_wins = (Status.COMPLETED, Status.ON_TRACK, Status.COMPLETED, "")
    assert reference(lead_side, updates) != last_writer_wins


def assert_trail_replays(code: str) -> None:
    """The trail, replayed through the rule in version order, ends in the commitment's state:
    each status update's official status follows on from the one before, and the sides'
    assessments and the awaited side are what the status updates say."""
    from commitments.official_status import resolve

    target = commitment(code)
    views = {INDIA: Status.NOT_STARTED, JAPAN: Status.NOT_STARTED}
    official, awaiting, version = Status.NOT_STARTED, "", 1
    for update in target.status_updates.order_by("version"):
        assert update.version == version + 1, "a gap or a repeat in the trail"
        assert update.from_status == official
        version = update.version
        if update.kind in (TrailKind.REPORT, TrailKind.CONFIRM, TrailKind.DECLINE):
            views[update.side] = update.assessment
            outcome = resolve(
                lead_side=target.lead_side,
                official=official,
                india=views[INDIA],
                japan=views[JAPAN],
                updating_side=update.side,
            )
            assert update.to_status == outcome.official
            awaiting = outcome.awaiting
        official = update.to_status
    assert (target.status, target.india_status, target.japan_status, target.awaiting_side) == (
        official,
        views[INDIA],
        views[JAPAN],
        awaiting,
    )
    assert target.version == version


# --- both sides updating at the same instant --------------------------------------------------


def racing_updater(code: str, username: str, status: str) -> None:
    """In a child process: wait for `go`, then add a status update as the API does without
    If-Match (appending whatever the current version)."""
    from commitments.models import User

    target = commitment(code)
    author = User.objects.get(username=username)
    if not racing.ready():
        return
    update = services.status_update_create(
        commitment=target,
        author=author,
        status=status,
        note=f"From {username}",
        expected_version=None,
    )
    print(json.dumps({"version": update.version, "side": update.side}), flush=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("india_status", "japan_status"),
    [(Status.ON_TRACK, Status.ON_TRACK), (Status.AT_RISK, Status.ON_TRACK)],
    ids=["same view", "different views"],
)
def test_both_sides_updating_at_the_same_instant_lose_nothing(tmp_path, india_status, japan_status):
    code = "MAR-06"
    target = commitment(code)
    initial, trail = target.version, target.status_updates.count()
    updaters = [
        (analyst("maritime", side=INDIA), india_status),
        (analyst("maritime", side=JAPAN), japan_status),
    ]
    child = "import tests.commitments.test_sides as t; t.racing_updater"
    outcomes = racing.race(
        [f"{child}({code!r}, {user.username!r}, {str(status)!r})" for user, status in updaters],
        row=target,
        tmp_path=tmp_path,
    )

    assert sorted(o["version"] for o in outcomes) == [initial + 1, initial + 2]
    target.refresh_from_db()
    assert target.status_updates.count() == trail + 2
    assert (target.india_status, target.japan_status) == (india_status, japan_status)
    second = target.status_updates.get(version=initial + 2)
    if india_status == japan_status:
        assert (target.status, target.awaiting_side) == (india_status, "")
        assert second.kind == TrailKind.CONFIRM
    else:
        # Whoever the lock let in second made the newest status update: the other side is awaited.
        assert target.status == Status.NOT_STARTED
        assert target.awaiting_side == (JAPAN if second.side == INDIA else INDIA)
    assert_trail_replays(code)


# --- the migration that gave existing data its two sides ---------------------------------------

BEFORE_SIDES = ("commitments", "0008_loaded_values")


def migration_child() -> None:
    """In a child process on a scratch database: migrate to the schema before per-side
    assessments, write a commitment and its trail with that schema's models, migrate forward and
    print what the data became."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", BEFORE_SIDES[0], BEFORE_SIDES[1], verbosity=0)
    old = MigrationExecutor(connection).loader.project_state(BEFORE_SIDES).apps
    declaration = old.get_model("commitments", "Declaration").objects.create(
        title="Declaration", date="2025-08-29", place="Tokyo", occasion="Summit", text="We will."
    )
    pillar = old.get_model("commitments", "Pillar").objects.create(
        slug="maritime", code_prefix="MAR", name="Maritime", description="Maritime."
    )
    Commitment = old.get_model("commitments", "Commitment")
    User = old.get_model("commitments", "User")
    StatusUpdate = old.get_model("commitments", "StatusUpdate")
    made = {
        code: Commitment.objects.create(
            code=code,
            declaration=declaration,
            pillar=pillar,
            title=code,
            source_clause="We will.",
            paragraph=1,
            status=status,
            version=3 if code == "MAR-01" else 1,
        )
        for code, status in (("MAR-01", "at_risk"), ("MAR-02", "not_started"))
    }
    for version, (username, side, status) in enumerate(
        [("in-user", "india", "on_track"), ("jp-user", "japan", "at_risk")], start=2
    ):
        StatusUpdate.objects.create(
            commitment=made["MAR-01"],
            author=User.objects.create(username=username, side=side, password="!"),
            from_status="not_started",
            to_status=status,
            from_progress=0,
            to_progress=0,
            note="Before sides.",
            version=version,
        )

    call_command("migrate", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code, status, india_status, japan_status, awaiting_side "
            "FROM commitments_commitment ORDER BY code"
        )
        commitments = cursor.fetchall()
        cursor.execute(
            "SELECT u.username, s.side, s.kind, s.assessment FROM commitments_statusupdate s "
            "JOIN commitments_user u ON u.id = s.author_id ORDER BY s.version"
        )
        trail = cursor.fetchall()
    refused = scratch.trail_refuses_edits()
    print(json.dumps({"commitments": commitments, "trail": trail, "refused": refused}))


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_the_migration_gives_existing_commitments_both_sides_and_marks_the_trail(
    tmp_path, database
):
    result = scratch.run_child(
        "tests.commitments.test_sides.migration_child()",
        database=database,
        name="tracker_two_sides_migration",
        tmp_path=tmp_path,
    )

    assert result["commitments"] == [
        ["MAR-01", "at_risk", "at_risk", "at_risk", ""],
        ["MAR-02", "not_started", "not_started", "not_started", ""],
    ]
    assert result["trail"] == [
        ["in-user", "india", "shared", "on_track"],
        ["jp-user", "japan", "shared", "at_risk"],
    ]
    assert result["refused"], "the trail must be append-only again after the migration"
