"""Two governments on one record: each side's assessment, and the side of each trail entry.

Every existing commitment gets both sides' assessments equal to its current status, so
nothing starts in disagreement. Each existing trail entry is marked with its author's side
and as `shared`: written before per-side reporting, when one status stood for both sides.
The trail is append-only in the database; its triggers are lifted for this one backfill and
put back before the migration ends.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from declaration_tracker.core.db import append_only_operations

TRAIL = ("commitments_statusupdate", "the status trail")


def sides_from_the_single_status(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    StatusUpdate = apps.get_model("commitments", "StatusUpdate")
    User = apps.get_model("commitments", "User")
    Commitment.objects.update(
        india_status=models.F("status"), japan_status=models.F("status")
    )
    StatusUpdate.objects.update(
        side=Subquery(User.objects.filter(pk=OuterRef("author_id")).values("side")[:1]),
        kind="shared",
        assessment=models.F("to_status"),
    )
    if schema_editor.connection.vendor == "postgresql":
        # The constraints and indexes below alter these tables: no checks may be pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0008_loaded_values'),
    ]

    operations = [
        append_only_operations(*TRAIL, lift=True),
        migrations.RemoveConstraint(
            model_name='reminder',
            name='reminder_kind_valid',
        ),
        migrations.AddField(
            model_name='commitment',
            name='awaiting_side',
            field=models.CharField(blank=True, choices=[('india', 'India'), ('japan', 'Japan')], help_text='The side whose answer the official status waits for, if any.', max_length=10, verbose_name='awaiting'),
        ),
        migrations.AddField(
            model_name='commitment',
            name='awaiting_since',
            field=models.DateTimeField(blank=True, null=True, verbose_name='awaiting since'),
        ),
        migrations.AddField(
            model_name='commitment',
            name='india_report',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='commitments.statusupdate', verbose_name="India's latest report"),
        ),
        migrations.AddField(
            model_name='commitment',
            name='india_status',
            field=models.CharField(choices=[('not_started', 'Not started'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('off_track', 'Off track'), ('completed', 'Completed'), ('discontinued', 'Discontinued')], default='not_started', max_length=20, verbose_name="India's assessment"),
        ),
        migrations.AddField(
            model_name='commitment',
            name='japan_report',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='commitments.statusupdate', verbose_name="Japan's latest report"),
        ),
        migrations.AddField(
            model_name='commitment',
            name='japan_status',
            field=models.CharField(choices=[('not_started', 'Not started'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('off_track', 'Off track'), ('completed', 'Completed'), ('discontinued', 'Discontinued')], default='not_started', max_length=20, verbose_name="Japan's assessment"),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='assessment',
            field=models.CharField(blank=True, choices=[('not_started', 'Not started'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('off_track', 'Off track'), ('completed', 'Completed'), ('discontinued', 'Discontinued')], help_text="The side's status as this entry reports it; blank for progress entries.", max_length=20, verbose_name='assessment reported'),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='kind',
            field=models.CharField(choices=[('report', 'Assessment reported'), ('confirm', 'Assessment confirmed'), ('decline', 'Confirmation declined'), ('progress', 'Progress from milestones'), ('shared', 'Before per-side reporting')], default='report', max_length=10, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='reported_progress',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Progress the side reported with it (commitments without milestones).', null=True, verbose_name='progress reported'),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='side',
            field=models.CharField(blank=True, choices=[('india', 'India'), ('japan', 'Japan')], help_text="The government the entry speaks for: its author's side.", max_length=10, verbose_name='side'),
        ),
        migrations.AlterField(
            model_name='commitment',
            name='status',
            field=models.CharField(choices=[('not_started', 'Not started'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('off_track', 'Off track'), ('completed', 'Completed'), ('discontinued', 'Discontinued')], default='not_started', help_text="Derived from both sides' assessments; never typed.", max_length=20, verbose_name='official status'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='kind',
            field=models.CharField(choices=[('overdue', 'Overdue'), ('due_today', 'Due today'), ('due_soon', 'Due soon'), ('awaiting', 'Awaiting your confirmation'), ('stale', 'No status update for a long time'), ('escalation', 'Escalation: overdue for over a week'), ('mechanism', 'Dialogue meeting overdue')], max_length=12, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='statusupdate',
            name='from_status',
            field=models.CharField(choices=[('not_started', 'Not started'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('off_track', 'Off track'), ('completed', 'Completed'), ('discontinued', 'Discontinued')], max_length=20, verbose_name='official status before'),
        ),
        migrations.AlterField(
            model_name='statusupdate',
            name='to_status',
            field=models.CharField(choices=[('not_started', 'Not started'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('off_track', 'Off track'), ('completed', 'Completed'), ('discontinued', 'Discontinued')], max_length=20, verbose_name='official status after'),
        ),
        migrations.RunPython(sides_from_the_single_status, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='commitment',
            index=models.Index(condition=models.Q(('awaiting_side', ''), _negated=True), fields=['awaiting_side'], name='commitment_awaiting'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.CheckConstraint(condition=models.Q(('india_status__in', ['not_started', 'on_track', 'at_risk', 'off_track', 'completed', 'discontinued']), ('japan_status__in', ['not_started', 'on_track', 'at_risk', 'off_track', 'completed', 'discontinued'])), name='commitment_side_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('awaiting_side', ''), ('awaiting_since__isnull', True)), models.Q(('awaiting_side__in', ['india', 'japan']), ('awaiting_since__isnull', False), models.Q(('india_status', models.F('japan_status')), _negated=True)), _connector='OR'), name='commitment_awaiting_only_in_disagreement'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['overdue', 'due_today', 'due_soon', 'awaiting', 'stale', 'escalation', 'mechanism'])), name='reminder_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='statusupdate',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['report', 'confirm', 'decline', 'progress', 'shared'])), name='statusupdate_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='statusupdate',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('assessment', ''), ('kind', 'progress')), models.Q(('assessment__in', ['not_started', 'on_track', 'at_risk', 'off_track', 'completed', 'discontinued']), ('kind', 'shared')), models.Q(('kind__in', ['report', 'confirm', 'decline']), ('side__in', ['india', 'japan']), ('assessment__in', ['not_started', 'on_track', 'at_risk', 'off_track', 'completed', 'discontinued'])), _connector='OR'), name='statusupdate_assessment_by_kind'),
        ),
        migrations.AddConstraint(
            model_name='statusupdate',
            constraint=models.CheckConstraint(condition=models.Q(('reported_progress__isnull', True), ('reported_progress__lte', 100), _connector='OR'), name='statusupdate_reported_progress_0_100'),
        ),
        # Last: on SQLite, adding a constraint rebuilds the table, and its triggers with it.
        append_only_operations(*TRAIL),
    ]
