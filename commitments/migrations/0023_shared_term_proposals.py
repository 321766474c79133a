"""Shared terms change by proposal and confirmation: the proposals (`SharedTermChange`), and
the trail's kind of entry that records each step (`terms`). On SQLite the trail's new
constraints rebuild its append-only table, so its triggers are lifted first and put back, as
0018 left them, after.

Each side's owners are its own: the one `responsible` user becomes `responsible_india` and
`responsible_japan`, the current one moving to the field of their side (a user of neither
side: the lead side's, India's on a joint commitment)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from declaration_tracker.core.db import append_only_operations

TRAIL = ("commitments_statusupdate", "the status trail")


def responsible_to_its_side(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    for commitment in Commitment.objects.filter(responsible__isnull=False).select_related(
        "responsible"
    ):
        side = commitment.responsible.side
        if side not in ("india", "japan"):
            side = commitment.lead_side if commitment.lead_side in ("india", "japan") else "india"
        setattr(commitment, f"responsible_{side}_id", commitment.responsible_id)
        commitment.save(update_fields=[f"responsible_{side}"])


def responsible_back(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    for commitment in Commitment.objects.all():
        lead = commitment.lead_side if commitment.lead_side in ("india", "japan") else None
        chosen = (
            getattr(commitment, f"responsible_{lead}_id")
            if lead
            else commitment.responsible_india_id or commitment.responsible_japan_id
        )
        if chosen:
            commitment.responsible_id = chosen
            commitment.save(update_fields=["responsible"])


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0022_owning_side'),
    ]

    operations = [
        migrations.AddField(
            model_name='commitment',
            name='responsible_india',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='responsible_india_for', to=settings.AUTH_USER_MODEL, verbose_name="India's responsible user"),
        ),
        migrations.AddField(
            model_name='commitment',
            name='responsible_japan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='responsible_japan_for', to=settings.AUTH_USER_MODEL, verbose_name="Japan's responsible user"),
        ),
        migrations.RunPython(responsible_to_its_side, responsible_back),
        migrations.RemoveField(
            model_name='commitment',
            name='responsible',
        ),
        migrations.CreateModel(
            name='SharedTermChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fields', models.JSONField(help_text='Each shared term proposed, and its new value.', verbose_name='proposed values')),
                ('before', models.JSONField(help_text='Each of those terms as it stood when proposed.', verbose_name='values before')),
                ('proposed_by_side', models.CharField(choices=[('india', 'India'), ('japan', 'Japan')], max_length=10, verbose_name='proposing side')),
                ('proposed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='proposed at')),
                ('state', models.CharField(choices=[('pending', 'Awaiting the other side'), ('confirmed', 'Confirmed'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn')], default='pending', max_length=10, verbose_name='state')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('note', models.TextField(blank=True, verbose_name='note')),
            ],
            options={
                'verbose_name': 'proposed change of shared terms',
                'verbose_name_plural': 'proposed changes of shared terms',
                'ordering': ['proposed_at', 'id'],
            },
        ),
        append_only_operations(*TRAIL, lift=True),
        migrations.RemoveConstraint(
            model_name='statusupdate',
            name='statusupdate_kind_valid',
        ),
        migrations.RemoveConstraint(
            model_name='statusupdate',
            name='statusupdate_assessment_by_kind',
        ),
        migrations.AlterField(
            model_name='statusupdate',
            name='kind',
            field=models.CharField(choices=[('report', 'Assessment reported'), ('confirm', 'Assessment confirmed'), ('decline', 'Confirmation declined'), ('progress', 'Progress from milestones'), ('shared', 'Before per-side reporting'), ('terms', 'Shared terms')], default='report', max_length=10, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='statusupdate',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['report', 'confirm', 'decline', 'progress', 'shared', 'terms'])), name='statusupdate_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='statusupdate',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('assessment', ''), ('kind__in', ['progress', 'terms'])), models.Q(('assessment__in', ['not_started', 'on_track', 'at_risk', 'off_track', 'completed', 'discontinued']), ('kind', 'shared')), models.Q(('kind__in', ['report', 'confirm', 'decline']), ('side__in', ['india', 'japan']), ('assessment__in', ['not_started', 'on_track', 'at_risk', 'off_track', 'completed', 'discontinued'])), _connector='OR'), name='statusupdate_assessment_by_kind'),
        ),
        append_only_operations(*TRAIL, mutable=("marking",)),
        migrations.AddField(
            model_name='sharedtermchange',
            name='commitment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='term_changes', to='commitments.commitment', verbose_name='commitment'),
        ),
        migrations.AddField(
            model_name='sharedtermchange',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AddField(
            model_name='sharedtermchange',
            name='proposed_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='proposed by'),
        ),
        migrations.AddIndex(
            model_name='sharedtermchange',
            index=models.Index(condition=models.Q(('state', 'pending')), fields=['commitment'], name='termchange_pending'),
        ),
        migrations.AddConstraint(
            model_name='sharedtermchange',
            constraint=models.CheckConstraint(condition=models.Q(('proposed_by_side__in', ['india', 'japan'])), name='termchange_side_valid'),
        ),
        migrations.AddConstraint(
            model_name='sharedtermchange',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['pending', 'confirmed', 'declined', 'withdrawn'])), name='termchange_state_valid'),
        ),
        migrations.AddConstraint(
            model_name='sharedtermchange',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('decided_at__isnull', True), ('state', 'pending')), models.Q(models.Q(('state', 'pending'), _negated=True), ('decided_at__isnull', False)), _connector='OR'), name='termchange_decided_when_not_pending'),
        ),
    ]
