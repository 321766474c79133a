"""Copies of marked text follow their source's current marking.

The trail's entries the tracker wrote about a milestone now name it (`source_milestone`), so
that they can be re-marked with it; existing ones are matched to their milestone by the title
they quote (the milestone's title now, else one it had in the audit log), within their
commitment. The audit log's marking becomes mutable (only that column, as the trail's), and
every existing event and entry takes its source's current marking. On SQLite the added column
rebuilds the trail's table, so both triggers are lifted first and put back last.
"""

from django.db import migrations, models

from declaration_tracker.core.db import append_only_operations

TRAIL = ("commitments_statusupdate", "the status trail")
AUDIT = ("commitments_auditevent", "the audit log")
MILESTONE_MESSAGES = (
    "milestone_added",
    "milestone_changed",
    "milestone_done",
    "milestone_reopened",
    "milestone_removed",
)


def sources_and_markings(apps, schema_editor):
    StatusUpdate = apps.get_model("commitments", "StatusUpdate")
    Milestone = apps.get_model("commitments", "Milestone")
    AuditEvent = apps.get_model("commitments", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias

    milestone_type = ContentType.objects.using(db).filter(
        app_label="commitments", model="milestone"
    ).first()
    # Titles each milestone has had, by commitment code, from the audit log.
    had: dict[tuple[str, str], int] = {}
    if milestone_type is not None:
        for event in AuditEvent.objects.using(db).filter(content_type=milestone_type):
            for title in event.changes.get("title", []):
                if title:
                    had.setdefault((event.commitment_code, title), int(event.object_id))
    entries = StatusUpdate.objects.using(db).filter(
        message__in=MILESTONE_MESSAGES, source_milestone__isnull=True
    ).select_related("commitment")
    for entry in entries:
        title = entry.message_params.get("title")
        current = (
            Milestone.objects.using(db)
            .filter(commitment_id=entry.commitment_id, title=title)
            .values_list("pk", flat=True)
            .first()
        )
        source = current or had.get((entry.commitment.code, title))
        if source is not None:
            StatusUpdate.objects.using(db).filter(pk=entry.pk).update(source_milestone=source)

    # Every copy takes its source's marking now.
    for content_type in ContentType.objects.using(db).filter(
        pk__in=AuditEvent.objects.using(db).values("content_type")
    ):
        try:
            model = apps.get_model(content_type.app_label, content_type.model)
        except LookupError:
            continue
        if not any(field.name == "marking" for field in model._meta.get_fields()):
            continue
        for pk, marking in model.objects.using(db).values_list("pk", "marking"):
            AuditEvent.objects.using(db).filter(
                content_type=content_type, object_id=str(pk)
            ).exclude(marking=marking).update(marking=marking)
    for pk, marking in Milestone.objects.using(db).values_list("pk", "marking"):
        StatusUpdate.objects.using(db).filter(source_milestone=pk).exclude(
            marking=marking
        ).update(marking=marking)


class Migration(migrations.Migration):

    dependencies = [
        ("commitments", "0017_webhooks"),
        # The audit log's events of meetings and action items take their current marking too.
        ("dialogues", "0007_reinforced_by"),
    ]

    operations = [
        append_only_operations(*TRAIL, lift=True),
        append_only_operations(*AUDIT, lift=True),
        migrations.AddField(
            model_name="statusupdate",
            name="source_milestone",
            field=models.PositiveBigIntegerField(
                blank=True,
                editable=False,
                help_text="For an entry the tracker wrote about a milestone: its id. The entry quotes the milestone's title, so it carries the milestone's current marking.",
                null=True,
                verbose_name="milestone quoted",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="marking",
            field=models.CharField(
                choices=[
                    ("public", "Public"),
                    ("bilateral", "Bilateral"),
                    ("india_only", "India only"),
                    ("japan_only", "Japan only"),
                ],
                default="bilateral",
                help_text="The object's current marking (it follows the object's re-markings): readers outside it see the event as restricted, without the marked values.",
                max_length=12,
                verbose_name="marking",
            ),
        ),
        migrations.AddIndex(
            model_name="statusupdate",
            index=models.Index(
                condition=models.Q(("source_milestone__isnull", False)),
                fields=["source_milestone"],
                name="statusupdate_source_milestone",
            ),
        ),
        migrations.RunPython(sources_and_markings, migrations.RunPython.noop, elidable=False),
        append_only_operations(*TRAIL, mutable=("marking",)),
        append_only_operations(*AUDIT, mutable=("marking",)),
    ]
