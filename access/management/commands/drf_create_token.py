"""`python manage.py drf_create_token USER [-r]`, as scripts already call it: it now prints a
read-write API key of the new kind (hashed, expiring after TRACKER_API_KEY_DAYS)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from access.apikeys import api_key_create, default_days, user_keys_revoke

from .api_key_create import describe


class Command(BaseCommand):
    help = (
        "Print a new read-write API key for USER (DRF's command, kept for scripts that call "
        "it; see api_key_create for the options). -r revokes the user's other keys first."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("-r", "--reset", action="store_true", dest="reset_token")

    def handle(self, *args, **options):
        user = get_user_model()._default_manager.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                f"Cannot create the Token: user {options['username']} does not exist"
            )
        if options["reset_token"]:
            user_keys_revoke(user)
        key, plain = api_key_create(user, name="drf_create_token")
        self.stdout.write(f"Generated token {plain} for user {user.username}")
        self.stdout.write(describe(key, default_days()))
