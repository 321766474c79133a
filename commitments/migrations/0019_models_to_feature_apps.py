"""The webhooks', report jobs' and calendar feeds' models now belong to their apps, whose first
migrations took them over: forget them here. State only: no table, row or constraint moves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("commitments", "0018_copies_follow_markings"),
        ("calendar_feed", "0001_initial"),
        ("reports", "0001_initial"),
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="WebhookDelivery"),
                migrations.DeleteModel(name="WebhookEvent"),
                migrations.DeleteModel(name="WebhookSubscription"),
                migrations.DeleteModel(name="ReportJob"),
                migrations.DeleteModel(name="CalendarFeedToken"),
            ],
        ),
    ]
