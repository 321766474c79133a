"""Numbering the committed entries, and forgetting the old ones.

Why the feed loses nothing: an entry is written in its change's transaction but gets its
positions only here, once committed, from one sequencer at a time (the sequencer holds the
lock of `ChangeSequence`'s one row, on SQLite the database's write lock). Positions are handed
out in increasing order and each run commits all of its positions at once, so every position
a reader has read lies below every position still to be handed out: a transaction still in
flight, however early it began, gets its positions after it commits, above everything read so
far. (Timestamps or ids taken at write time order transactions by when they began, and a slow
one would land below a position already read: the loss this design avoids.)

Each audience (`models.AUDIENCES`) has its own sequence, counting only the entries its readers
may learn of, so its positions are gap-free and say nothing of the other government's
national items.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from .models import AUDIENCES, ChangeEntry, ChangeSequence

BATCH = 2000


def _locked_state() -> ChangeSequence:
    """The sequencer's row, locked until the transaction ends (made again after a flush)."""
    now = timezone.now()
    if not ChangeSequence.objects.filter(pk=1).update(sequenced_at=now):
        ChangeSequence.objects.get_or_create(pk=1)
        ChangeSequence.objects.filter(pk=1).update(sequenced_at=now)
    return ChangeSequence.objects.get(pk=1)


def sequence() -> int:
    """Give the committed entries still without positions their positions; how many.
    Idempotent, and cheap when there are none (one indexed query)."""
    done = 0
    while ChangeEntry.objects.filter(sequenced=False).exists():
        with transaction.atomic():
            state = _locked_state()
            entries = list(
                ChangeEntry.objects.filter(sequenced=False)
                .order_by("id")
                .only("id", "governed", "marking_before", "marking_after")[:BATCH]
            )
            rows = []
            for entry in entries:
                row = [entry.id]
                for audience in AUDIENCES:
                    position = None
                    if entry.reaches(audience):
                        position = getattr(state, f"last_{audience}") + 1
                        setattr(state, f"last_{audience}", position)
                    row.append(position)
                rows.append(row)
            _positions_write(rows)
            state.save(update_fields=[f"last_{audience}" for audience in AUDIENCES])
        done += len(entries)
    return done


def _positions_write(rows: list[list]) -> None:
    """Write each entry's positions in one statement (PostgreSQL and SQLite alike): Django's
    `bulk_update` writes a CASE of every row for every row, slow on thousands."""
    if not rows:
        return
    table = connection.ops.quote_name(ChangeEntry._meta.db_table)
    one = "(CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS BIGINT))"
    columns = ", ".join(f"pos_{audience} = v.p_{audience}" for audience in AUDIENCES)
    names = ", ".join(f"p_{audience}" for audience in AUDIENCES)
    # Only our own names and placeholders are written into the statement; the values are
    # parameters.
    sql = (
        f"WITH v(id, {names}) AS (VALUES {', '.join([one] * len(rows))}) "  # noqa: S608 # nosec B608
        f"UPDATE {table} SET sequenced = TRUE, {columns} FROM v WHERE {table}.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def state() -> ChangeSequence:
    found = ChangeSequence.objects.filter(pk=1).first()
    return found if found is not None else ChangeSequence(pk=1)


def retention() -> timedelta:
    return timedelta(days=settings.TRACKER_CHANGES_RETENTION_DAYS)


def compact(now=None) -> int:
    """Delete the entries older than the retention, recording the last position each audience
    lost (a sync token below it answers 410); how many were deleted. Idempotent."""
    sequence()
    cutoff = (now or timezone.now()) - retention()
    deleted = 0
    while True:
        with transaction.atomic():
            current = _locked_state()
            ids = list(
                ChangeEntry.objects.filter(sequenced=True, at__lt=cutoff)
                .order_by("id")
                .values_list("id", flat=True)[:BATCH]
            )
            if not ids:
                return deleted
            batch = ChangeEntry.objects.filter(id__in=ids)
            lost = batch.aggregate(**{a: Max(f"pos_{a}") for a in AUDIENCES})
            for audience in AUDIENCES:
                if lost[audience] is not None:
                    field = f"compacted_{audience}"
                    setattr(current, field, max(getattr(current, field), lost[audience]))
            current.compacted_at = timezone.now()
            current.save(update_fields=[*(f"compacted_{a}" for a in AUDIENCES), "compacted_at"])
            deleted += batch.delete()[0]
