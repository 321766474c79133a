"""The superuser becomes the operator, of neither government (issue 25): a superuser that had a
side loses it (and its organisation), so it reads what a public reader reads and writes no
side's content; a constraint keeps it so."""

from django.db import migrations, models


def operators_of_no_side(apps, schema_editor):
    User = apps.get_model("commitments", "User")
    User.objects.filter(is_superuser=True).update(side="", organisation=None)


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0026_session_epoch"),
    ]

    operations = [
        migrations.RunPython(operators_of_no_side, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_superuser", False))
                | models.Q(("side", ""), ("organisation__isnull", True)),
                name="user_operator_of_no_side",
            ),
        ),
    ]
