"""`python manage.py api_key_create USER [--expires-days N] [--read-only] [--name CLIENT]`"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from access.apikeys import api_key_create, default_days


class Command(BaseCommand):
    help = (
        "Make an API key acting as USER (a person, or the account of another system) and print "
        "it: it is shown this once and stored hashed. It expires after --expires-days "
        "(default TRACKER_API_KEY_DAYS, 90; 0 for never); --read-only keys may not write."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--expires-days", type=int, default=None)
        parser.add_argument("--read-only", action="store_true")
        parser.add_argument("--name", default="", help="The system that will hold the key.")

    def handle(self, *args, **options):
        user = get_user_model()._default_manager.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        days = options["expires_days"]
        if days is not None and days < 0:
            raise CommandError("--expires-days: 0 (never) or more.")
        key, plain = api_key_create(
            user, name=options["name"], days=days, read_only=options["read_only"]
        )
        self.stdout.write(plain)
        self.stdout.write(
            describe(key, days if days is not None else default_days()), self.style.NOTICE
        )


def describe(key, days: int) -> str:
    expiry = f"expires {key.expires_at:%Y-%m-%d %H:%M} UTC" if key.expires_at else "never expires"
    return (
        f"{key.get_scope_display()} key {key.prefix}… for {key.user.username}; {expiry}"
        f"{' (' + str(days) + ' days)' if key.expires_at else ''}. Send it as "
        "`Authorization: Token <key>` (or `Bearer <key>`). It is not shown again."
    )
