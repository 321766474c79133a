"""The calendar feeds' keys move here from `commitments` (its 0019 forgets them there): state
only, the table keeps its name, rows and constraints; its content type is relabelled."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import calendar_feed.models
from declaration_tracker.core.db import content_types_move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("commitments", "0018_copies_follow_markings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="CalendarFeedToken",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(default=calendar_feed.models.calendar_feed_key_new, max_length=64, unique=True, verbose_name="key")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="calendar_feed_token", to=settings.AUTH_USER_MODEL, verbose_name="user")),
                    ],
                    options={
                        "verbose_name": "calendar feed token",
                        "verbose_name_plural": "calendar feed tokens",
                        "db_table": "commitments_calendarfeedtoken",
                    },
                ),
            ],
        ),
        content_types_move(models=["calendarfeedtoken"], from_app="commitments", to_app="calendar_feed"),
    ]
