import base64
import binascii

from django.core.management.base import BaseCommand, CommandError

from commitments.models import Declaration
from declaration.demo import DEMO_USERS, NotADemoUser, demo_seed


class Command(BaseCommand):
    help = "Add clearly marked demo users and data for trying the tracker. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="Password for every demo user.")
        parser.add_argument(
            "--totp-secret",
            metavar="BASE32",
            help="Enrol the demo users whose role requires a second factor (TRACKER_MFA_REQUIRED) "
            "with an authenticator app of this base32 secret.",
        )

    def handle(self, *args, **options):
        secret = (options["totp_secret"] or "").strip().upper()
        if secret:
            try:
                base64.b32decode(secret + "=" * (-len(secret) % 8))
            except (binascii.Error, ValueError) as exc:
                raise CommandError("--totp-secret: not a base32 secret (A-Z, 2-7).") from exc
        if not Declaration.objects.exists():
            raise CommandError("Load the declaration first: python manage.py load_declaration")
        try:
            counts = demo_seed(password=options["password"], totp_secret=secret or None)
        except NotADemoUser as exc:
            raise CommandError(str(exc)) from exc
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data in place ({summary})."))
        names = ", ".join(spec.username for spec in DEMO_USERS)
        self.stdout.write(f"Demo log-ins ({names}) all use the password you gave.")
