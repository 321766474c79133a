from django.core.management.base import BaseCommand, CommandError

from commitments.models import Declaration
from declaration.demo import DEMO_USERS, NotADemoUser, demo_seed


class Command(BaseCommand):
    help = "Add clearly marked demo users and data for trying the tracker. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="Password for every demo user.")

    def handle(self, *args, **options):
        if not Declaration.objects.exists():
            raise CommandError("Load the declaration first: python manage.py load_declaration")
        try:
            counts = demo_seed(password=options["password"])
        except NotADemoUser as exc:
            raise CommandError(str(exc)) from exc
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data in place ({summary})."))
        names = ", ".join(spec.username for spec in DEMO_USERS)
        self.stdout.write(f"Demo log-ins ({names}) all use the password you gave.")
