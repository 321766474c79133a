"""Remember, for each existing mechanism, what the data file said at its last load: its
current values (mechanisms were edited in the admin only, without an audit trail), so the
next load brings unedited ones up to the file (cadence included)."""

from django.db import migrations

FILE_FIELDS = ("name", "description", "cadence", "established", "source_clause", "paragraph")
NEW_FIELDS = {"context": "", "inferred_fields": []}


def remember(apps, schema_editor):
    DialogueMechanism = apps.get_model("dialogues", "DialogueMechanism")
    for mechanism in DialogueMechanism.objects.select_related("pillar"):
        loaded = {f: getattr(mechanism, f) for f in FILE_FIELDS}
        loaded["pillar"] = mechanism.pillar.slug
        mechanism.loaded_values = {**loaded, **NEW_FIELDS}
        mechanism.save(update_fields=["loaded_values"])


class Migration(migrations.Migration):
    dependencies = [("dialogues", "0002_faithful_record"), ("commitments", "0008_loaded_values")]

    operations = [migrations.RunPython(remember, migrations.RunPython.noop)]
