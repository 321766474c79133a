"""Official figures come from what both sides can read: a commitment's stored progress is
rolled up from its shared (public and bilateral) milestones alone.

Before, national-only milestones counted in it too. Every commitment with shared milestones
whose stored progress differs from theirs is set to it, with a trail entry saying why (by the
tracker, of neither side, bilateral: the figures both sides read), and its version moves on as
for any write. A commitment with no shared milestone keeps its progress (set by hand from now
on). Data only: no table changes.
"""

from django.db import migrations
from django.db.models import Q, Sum
from django.utils import timezone

SHARED = ("public", "bilateral")
MESSAGE = "national_excluded"
ENGLISH = "Progress %(old)s%% → %(new)s%%: national-only milestones no longer count in it"


def shared_progress(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    Milestone = apps.get_model("commitments", "Milestone")
    StatusUpdate = apps.get_model("commitments", "StatusUpdate")
    db = schema_editor.connection.alias

    with_national = Milestone.objects.using(db).exclude(marking__in=SHARED).values("commitment")
    for commitment in Commitment.objects.using(db).filter(pk__in=with_national).order_by("pk"):
        totals = (
            Milestone.objects.using(db)
            .filter(commitment=commitment, marking__in=SHARED)
            .aggregate(
                total=Sum("weight"), done=Sum("weight", filter=Q(completed_on__isnull=False))
            )
        )
        if not totals["total"]:
            continue
        progress = round(100 * (totals["done"] or 0) / totals["total"])
        if progress == commitment.progress:
            continue
        # The entry needs an author: whoever last wrote the commitment's trail.
        last = (
            StatusUpdate.objects.using(db)
            .filter(commitment=commitment)
            .order_by("-created_at", "-id")
            .first()
        )
        version = commitment.version + 1
        if last is not None:
            params = {"old": commitment.progress, "new": progress}
            StatusUpdate.objects.using(db).create(
                commitment=commitment,
                author_id=last.author_id,
                created_at=timezone.now(),
                side="",
                kind="progress",
                assessment="",
                from_status=commitment.status,
                to_status=commitment.status,
                from_progress=commitment.progress,
                to_progress=progress,
                note=ENGLISH % params,
                marking="bilateral",
                message=MESSAGE,
                message_params=params,
                version=version,
            )
        Commitment.objects.using(db).filter(pk=commitment.pk).update(
            progress=progress, version=version, updated_at=timezone.now()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0023_shared_term_proposals"),
    ]

    operations = [
        migrations.RunPython(shared_progress, migrations.RunPython.noop, elidable=True),
    ]
