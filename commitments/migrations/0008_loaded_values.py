"""Remember, for each existing commitment, what the data file said at its last load.

A field a user has changed (an audit event by a person, not the system) is left out, so the
next load keeps the user's value; every other field is taken to hold what the file said. The
fields this version adds start as their defaults, so the next load fills them from the file.
"""

from django.db import migrations

FILE_FIELDS = ("title", "description", "source_clause", "paragraph")
NEW_FIELDS = {
    "context": "",
    "clause_part": "",
    "commitment_strength": "committed",
    "inferred_fields": [],
    "partners": [],
}


def remember(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    AuditEvent = apps.get_model("commitments", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind = ContentType.objects.filter(app_label="commitments", model="commitment").first()
    edited: dict[str, set[str]] = {}
    if kind is not None:
        events = AuditEvent.objects.filter(
            content_type=kind, actor__isnull=False, action="changed"
        ).values_list("object_id", "changes")
        for object_id, changes in events:
            edited.setdefault(object_id, set()).update(changes or {})
    for commitment in Commitment.objects.all():
        by_users = edited.get(str(commitment.pk), set())
        loaded = {f: getattr(commitment, f) for f in FILE_FIELDS if f not in by_users}
        commitment.loaded_values = {**loaded, **NEW_FIELDS}
        commitment.save(update_fields=["loaded_values"])


class Migration(migrations.Migration):
    dependencies = [("commitments", "0007_faithful_record")]

    operations = [migrations.RunPython(remember, migrations.RunPython.noop)]
