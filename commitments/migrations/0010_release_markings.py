"""Release markings: who may read a report's note, a milestone, a commitment's added context,
and each audit event. Everything existing is bilateral, as it was readable by both sides.

The status trail stays append-only except its marking, which a manager of the marking's side
may loosen and an analyst of its side tighten (audited); its trigger is put back that way. On
SQLite the added columns rebuild both append-only tables, so both triggers are put back last.
"""

from django.db import migrations, models

from declaration_tracker.core.db import append_only_operations

TRAIL = ("commitments_statusupdate", "the status trail")
AUDIT = ("commitments_auditevent", "the audit log")


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0009_two_sides'),
    ]

    operations = [
        append_only_operations(*TRAIL, lift=True),
        append_only_operations(*AUDIT, lift=True),
        migrations.AddField(
            model_name='auditevent',
            name='marking',
            field=models.CharField(choices=[('public', 'Public'), ('bilateral', 'Bilateral'), ('india_only', 'India only'), ('japan_only', 'Japan only')], default='bilateral', help_text='The strictest marking the object had before or after: readers outside it see the event as restricted, without the marked values.', max_length=12, verbose_name='marking'),
        ),
        migrations.AddField(
            model_name='commitment',
            name='marking',
            field=models.CharField(choices=[('public', 'Public'), ('bilateral', 'Bilateral'), ('india_only', 'India only'), ('japan_only', 'Japan only')], default='bilateral', help_text="Who may read the context added to it (the declaration's text is public).", max_length=12, verbose_name='marking'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='marking',
            field=models.CharField(choices=[('public', 'Public'), ('bilateral', 'Bilateral'), ('india_only', 'India only'), ('japan_only', 'Japan only')], default='bilateral', help_text='Who may read the milestone: its title, dates and owner.', max_length=12, verbose_name='marking'),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='marking',
            field=models.CharField(choices=[('public', 'Public'), ('bilateral', 'Bilateral'), ('india_only', 'India only'), ('japan_only', 'Japan only')], default='bilateral', help_text='Who may read its note and evidence link; the statuses it records are for both sides.', max_length=12, verbose_name='marking'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.CheckConstraint(condition=models.Q(('marking__in', ['public', 'bilateral', 'india_only', 'japan_only'])), name='commitment_marking_valid'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.CheckConstraint(condition=models.Q(('marking__in', ['public', 'bilateral', 'india_only', 'japan_only'])), name='milestone_marking_valid'),
        ),
        migrations.AddConstraint(
            model_name='statusupdate',
            constraint=models.CheckConstraint(condition=models.Q(('marking__in', ['public', 'bilateral', 'india_only', 'japan_only'])), name='statusupdate_marking_valid'),
        ),
        append_only_operations(*TRAIL, mutable=("marking",)),
        append_only_operations(*AUDIT),
    ]
