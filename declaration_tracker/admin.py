"""The project package's admin pages (the admin finds them here)."""

from .webhooks import admin  # noqa: F401 - registers the webhook subscriptions
