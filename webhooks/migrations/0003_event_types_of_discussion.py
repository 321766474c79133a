"""The webhook event types of comments and attachments: `comment.created`, `comment.changed`, `comment.deleted`, `attachment.added` (choices only)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('webhooks', '0002_event_types_of_shared_terms'),
    ]

    operations = [
        migrations.AlterField(
            model_name='webhookevent',
            name='type',
            field=models.CharField(choices=[('commitment.status_changed', 'Official status changed'), ('commitment.side_reported', 'A side reported'), ('commitment.changed', 'Commitment changed'), ('commitment.terms_proposed', 'Change of shared terms proposed'), ('commitment.terms_decided', 'Proposed change of shared terms answered'), ('milestone.created', 'Milestone added'), ('milestone.changed', 'Milestone changed'), ('milestone.completed', 'Milestone completed'), ('meeting.created', 'Meeting added'), ('meeting.changed', 'Meeting changed'), ('action_item.changed', 'Action item added or changed'), ('comment.created', 'Comment written'), ('comment.changed', 'Comment edited'), ('comment.deleted', 'Comment deleted'), ('attachment.added', 'Document attached')], max_length=40, verbose_name='type'),
        ),
    ]
