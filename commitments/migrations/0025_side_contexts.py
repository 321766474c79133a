"""Each government's own context of a commitment (issue 23).

A commitment's `context` is from now on the tracker's note from its data file, which no user
edits; each government writes its own context (`CommitmentContext`), under its own marking.
A `context` a user had edited (it differs from what the data file said at the last load,
`loaded_values`) moves to a side's context, with the commitment's marking, and the tracker's
note goes back to the data file's words. The side is the first that answers:

1. the side of its national marking (`india_only`, `japan_only`): only that side could read it;
2. the side of the actor of the last audit event that changed the context;
3. the commitment's lead side, when that is `india` or `japan`;
4. India (the side listed first in the declaration); an operator re-assigns it if wrong.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


SIDES = ("india", "japan")
NATIONAL = {"india_only": "india", "japan_only": "japan"}
FALLBACK = "india"


def edited_by(apps, commitment_ids) -> dict[str, tuple[str, int]]:
    """Each commitment's last context editor (side, user id), from the audit log."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind = ContentType.objects.filter(app_label="commitments", model="commitment").first()
    if kind is None:
        return {}
    found: dict[str, tuple[str, int]] = {}
    events = (
        AuditEvent.objects.filter(
            content_type=kind,
            object_id__in=[str(pk) for pk in commitment_ids],
            actor__isnull=False,
        )
        .order_by("at", "id")
        .values_list("object_id", "actor__side", "actor_id", "changes")
    )
    for object_id, side, actor_id, changes in events:
        if side in SIDES and isinstance(changes, dict) and "context" in changes:
            found[object_id] = (side, actor_id)
    return found


def contexts_to_sides(apps, schema_editor) -> None:
    Commitment = apps.get_model("commitments", "Commitment")
    CommitmentContext = apps.get_model("commitments", "CommitmentContext")
    edited = [
        commitment
        for commitment in Commitment.objects.exclude(context="").order_by("pk")
        if "context" in (commitment.loaded_values or {})
        and commitment.context != commitment.loaded_values["context"]
    ]
    editors = edited_by(apps, [commitment.pk for commitment in edited])
    for commitment in edited:
        side_by_log, actor_id = editors.get(str(commitment.pk), ("", None))
        side = next(
            side
            for side in (
                NATIONAL.get(commitment.marking, ""),
                side_by_log,
                commitment.lead_side,
                FALLBACK,
            )
            if side in SIDES
        )
        CommitmentContext.objects.create(
            commitment=commitment,
            side=side,
            text=commitment.context,
            marking=commitment.marking,
            updated_by_id=actor_id if side == side_by_log else None,
        )
        Commitment.objects.filter(pk=commitment.pk).update(
            context=commitment.loaded_values["context"]
        )


def sides_to_context(apps, schema_editor) -> None:
    """Backwards: a side's context goes back into the commitment's, India's first."""
    Commitment = apps.get_model("commitments", "Commitment")
    CommitmentContext = apps.get_model("commitments", "CommitmentContext")
    for context in CommitmentContext.objects.exclude(text="").order_by("-side"):
        Commitment.objects.filter(pk=context.commitment_id).update(
            context=context.text, marking=context.marking
        )


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0024_official_figures'),
        ('audit', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='CommitmentContext',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated')),
                ('side', models.CharField(choices=[('india', 'India'), ('japan', 'Japan')], help_text='The government whose context it is, which alone may change it.', max_length=10, verbose_name='side')),
                ('text', models.TextField(blank=True, verbose_name='text')),
                ('marking', models.CharField(choices=[('public', 'Public'), ('bilateral', 'Bilateral'), ('india_only', 'India only'), ('japan_only', 'Japan only')], default='bilateral', help_text="Who may read this side's context.", max_length=12, verbose_name='marking')),
                ('commitment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contexts', to='commitments.commitment', verbose_name='commitment')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by')),
            ],
            options={
                'verbose_name': "side's context",
                'verbose_name_plural': "sides' contexts",
                'ordering': ['commitment_id', 'side'],
                'constraints': [models.UniqueConstraint(fields=('commitment', 'side'), name='commitmentcontext_one_per_side'), models.CheckConstraint(condition=models.Q(('side__in', ['india', 'japan'])), name='commitmentcontext_side_valid'), models.CheckConstraint(condition=models.Q(('marking__in', ['public', 'bilateral', 'india_only', 'japan_only'])), name='commitmentcontext_marking_valid'), models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='commitmentcontext_version_positive')],
            },
        ),
        migrations.RunPython(contexts_to_sides, sides_to_context),
    ]
