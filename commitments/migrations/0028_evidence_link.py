"""A status update's evidence may be a web link or the download path of an attachment of its
commitment (issue 26): a text column with its own validator instead of a URL field. The column
is unchanged (varchar(500)): no SQL on PostgreSQL. SQLite rebuilds the append-only table, so its
triggers are lifted first and put back, as 0014 left them, last."""

import commitments.models.trail
from django.db import migrations, models

from declaration_tracker.core.db import append_only_operations

TRAIL = ("commitments_statusupdate", "the status trail")


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0027_operator_of_no_side'),
    ]

    operations = [
        append_only_operations(*TRAIL, lift=True),
        migrations.AlterField(
            model_name='statusupdate',
            name='evidence_url',
            field=models.CharField(blank=True, max_length=500, validators=[commitments.models.trail.validate_evidence_link], verbose_name='evidence link'),
        ),
        append_only_operations(*TRAIL, mutable=("marking",)),
    ]
