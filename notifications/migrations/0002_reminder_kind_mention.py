"""The reminder kind of mentions: `mention` (a user named in a comment they may read)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='reminder',
            name='reminder_kind_valid',
        ),
        migrations.AlterField(
            model_name='reminder',
            name='kind',
            field=models.CharField(choices=[('overdue', 'Overdue'), ('due_today', 'Due today'), ('due_soon', 'Due soon'), ('awaiting', 'Awaiting your confirmation'), ('stale', 'No status update for a long time'), ('escalation', 'Escalation: overdue for over a week'), ('mechanism', 'Dialogue meeting overdue'), ('mention', 'Mentioned in a comment')], max_length=12, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['overdue', 'due_today', 'due_soon', 'awaiting', 'stale', 'escalation', 'mechanism', 'mention'])), name='reminder_kind_valid'),
        ),
    ]
