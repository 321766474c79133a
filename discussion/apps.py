from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    """Discussion and evidence on the record: comment threads and attached documents on
    commitments, milestones, meetings and action items, under the same markings and gate as
    every markable item."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "discussion"
    verbose_name = "Discussion"
