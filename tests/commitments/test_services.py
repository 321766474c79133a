"""Status, progress and versions: the rules every edge (admin, UI, API, tasks) goes through."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, StatusUpdate
from declaration_tracker.core.versioning import StaleVersionError
from tests.factories import (
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

pytestmark = pytest.mark.usefixtures("loaded")


def change_status(target: Commitment, author, status=Status.ON_TRACK, note="Agreed plan.", **kw):
    return services.status_update_create(
        commitment=target,
        author=author,
        status=status,
        note=note,
        expected_version=kw.pop("expected_version", target.version),
        **kw,
    )


def test_status_changes_only_through_the_trail():
    india_led("MAR-01")  # the lead side's assessment is official at once
    target = commitment("MAR-01")
    author = analyst("maritime")

    update = change_status(
        target,
        author,
        Status.AT_RISK,
        "Port calls postponed.",
        evidence_url="https://example.org/minutes",
    )

    target.refresh_from_db()
    assert target.status == Status.AT_RISK
    assert target.version == update.version == 2
    assert (update.from_status, update.to_status) == (Status.NOT_STARTED, Status.AT_RISK)
    assert update.author == author
    assert update.note == "Port calls postponed."
    assert update.evidence_url == "https://example.org/minutes"
    assert list(target.status_updates.all()) == [update]


def test_a_status_update_without_a_note_or_with_an_unknown_status_writes_nothing():
    target = commitment("MAR-01")
    author = analyst("maritime")

    with pytest.raises(ValidationError) as error:
        change_status(target, author, "sinking", "   ")

    assert set(error.value.message_dict) == {"note", "status"}
    target.refresh_from_db()
    assert (target.status, target.version) == (Status.NOT_STARTED, 1)
    assert not target.status_updates.exists()


def test_a_stale_version_is_refused_and_the_newer_change_kept():
    india_led("MAR-02")
    target = commitment("MAR-02")
    first, second = analyst("maritime"), analyst("maritime")
    change_status(target, first, Status.ON_TRACK, "First.", expected_version=1)

    with pytest.raises(StaleVersionError) as error:
        change_status(target, second, Status.OFF_TRACK, "Second.", expected_version=1)

    assert error.value.current_version == 2
    target.refresh_from_db()
    assert target.status == Status.ON_TRACK
    assert target.status_updates.count() == 1


def test_the_trail_cannot_be_edited_or_deleted():
    update = change_status(commitment("MAR-03"), analyst("maritime"))

    update.note = "Rewritten history."
    with pytest.raises(TypeError):
        update.save()
    with pytest.raises(TypeError):
        update.delete()
    with pytest.raises(TypeError):
        StatusUpdate.objects.filter(pk=update.pk).update(note="Rewritten history.")
    with pytest.raises(TypeError):
        StatusUpdate.objects.filter(pk=update.pk).delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE commitments_statusupdate SET note = 'Rewritten' WHERE id = %s",
        "DELETE FROM commitments_statusupdate WHERE id = %s",
    ],
)
def test_the_database_itself_refuses_to_edit_the_trail(sql):
    update = change_status(commitment("MAR-03"), analyst("maritime"))

    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [update.pk])

    assert StatusUpdate.objects.get(pk=update.pk).note == "Agreed plan."


def test_progress_rolls_up_from_milestone_weights_and_is_recorded():
    target = commitment("DEF-01")
    author = analyst("defence")
    light = services.milestone_create(
        commitment=target, actor=author, title="Planning conference", due_date=days(10)
    )
    heavy = services.milestone_create(
        commitment=target, actor=author, title="Exercise held", due_date=days(90), weight=3
    )

    services.milestone_complete(milestone=heavy, actor=author, expected_version=heavy.version)
    target.refresh_from_db()
    assert target.progress == 75

    light.refresh_from_db()
    services.milestone_complete(milestone=light, actor=author, expected_version=light.version)
    target.refresh_from_db()
    assert target.progress == 100

    heavy.refresh_from_db()
    services.milestone_reopen(milestone=heavy, actor=author, expected_version=heavy.version)
    target.refresh_from_db()
    assert target.progress == 25
    trail = list(target.status_updates.order_by("created_at", "id"))
    assert [(e.from_progress, e.to_progress) for e in trail] == [(0, 75), (75, 100), (100, 25)]
    assert "Exercise held" in trail[0].note


def test_progress_is_set_by_hand_only_without_milestones():
    india_led("DEF-02")
    author = analyst("defence")
    bare = commitment("DEF-02")
    change_status(bare, author, Status.ON_TRACK, "Half way.", progress=50)
    bare.refresh_from_db()
    assert bare.progress == 50

    planned = commitment("DEF-03")
    services.milestone_create(commitment=planned, actor=author, title="Step", due_date=days(5))
    planned.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        change_status(planned, author, Status.ON_TRACK, "Half way.", progress=50)
    assert "progress" in error.value.message_dict


def test_a_milestone_cannot_fall_due_before_its_commitment_starts():
    admin = chief()
    target = updated("DEF-04", start_date=days(30))  # agreed by both sides

    with pytest.raises(ValidationError) as error:
        services.milestone_create(commitment=target, actor=admin, title="Early", due_date=days(1))

    assert "due_date" in error.value.message_dict
    assert not target.milestones.exists()


def test_a_target_date_before_the_start_date_is_refused():
    target = commitment("DEF-05")

    with pytest.raises(ValidationError, match="target date cannot be before the start date"):
        services.commitment_update(
            commitment=target,
            actor=chief(),
            expected_version=target.version,
            start_date=days(30),
            target_date=days(10),
        )

    target.refresh_from_db()
    assert target.start_date is None


def test_the_database_refuses_progress_outside_0_to_100():
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(code="DEF-06").update(progress=101)


def test_status_cannot_be_set_through_a_plain_update():
    target = commitment("DEF-07")

    with pytest.raises(ValidationError) as error:
        services.commitment_update(
            commitment=target, actor=chief(), expected_version=1, status=Status.COMPLETED
        )

    assert "status" in error.value.message_dict


@pytest.mark.parametrize(
    ("make_user", "allowed"),
    [
        (lambda: analyst("maritime"), True),
        (lambda: analyst("defence"), False),
        (manager, False),
        (viewer, False),
        (chief, True),
        (superuser, False),  # the operator
    ],
)
def test_only_analysts_of_the_pillar_change_status_never_the_operator(make_user, allowed):
    target = commitment("MAR-04")
    user = make_user()

    if allowed:
        change_status(target, user)
        assert target.status_updates.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            change_status(target, user)
        assert not target.status_updates.exists()


def test_managers_reassign_owners_but_do_not_edit_the_substance():
    target = commitment("IND-01")
    boss = manager()
    owner = analyst("industry")

    target = services.commitment_update(
        commitment=target, actor=boss, expected_version=target.version, responsible_india=owner
    )
    assert target.responsible_india == owner

    with pytest.raises(PermissionDenied):
        services.commitment_update(
            commitment=target, actor=boss, expected_version=target.version, title="Renamed"
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_separate_connections_one_wins(declaration_data):
    from declaration.loading import declaration_load

    declaration_load(data=declaration_data)
    services.roles_sync()
    target = commitment("MAR-05")
    writers = [analyst("maritime") for _ in range(4)]
    barrier = threading.Barrier(len(writers))
    outcomes: list[str] = []

    def write(user):
        try:
            barrier.wait()
            change_status(target, user, Status.AT_RISK, f"From {user.username}", expected_version=1)
            outcomes.append("won")
        except StaleVersionError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(user,)) for user in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "won"]
    target.refresh_from_db()
    assert target.version == 2
    assert target.status_updates.count() == 1
