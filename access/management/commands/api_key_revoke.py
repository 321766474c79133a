"""`python manage.py api_key_revoke PREFIX`: a key stops working at once."""

from django.core.management.base import BaseCommand, CommandError

from access.apikeys import api_key_revoke
from access.models import ApiKey


class Command(BaseCommand):
    help = "Revoke the API key whose prefix (the 8 characters after dtk_) is PREFIX."

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, **options):
        key = ApiKey.objects.filter(prefix=options["prefix"].removeprefix("dtk_")).first()
        if key is None:
            raise CommandError(f"No API key {options['prefix']!r}.")
        api_key_revoke(key)
        self.stdout.write(f"Revoked {key.prefix}… of {key.user.username}.")
