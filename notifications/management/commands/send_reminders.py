import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from notifications import selectors, services
from notifications.models import Digest


class Command(BaseCommand):
    help = (
        "Run the reminder sweep now, synchronously: claim what is due and send the digests. "
        "--dry-run prints who would get what and sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print, send nothing.")
        parser.add_argument(
            "--now", help="Evaluate the policy at this ISO 8601 instant (default: now)."
        )

    def handle(self, *args, dry_run=False, now=None, **options):
        instant = self._instant(now)
        if dry_run:
            self._preview(instant)
            return
        report = services.reminders_sweep(now=instant)
        outcomes = {pk: services.digest_send(digest_id=pk) for pk in report.digests}
        sent = sum(1 for outcome in outcomes.values() if outcome == "sent")
        self.stdout.write(f"{report.claimed} new reminder(s) claimed; {sent} digest(s) sent.")
        for digest in Digest.objects.filter(pk__in=outcomes, state="skipped").select_related(
            "recipient"
        ):
            self.stdout.write(
                self.style.WARNING(f"Not e-mailed to {digest.recipient.username}: {digest.note}.")
            )

    def _instant(self, value: str | None) -> datetime.datetime:
        if not value:
            return timezone.now()
        try:
            parsed = parse_datetime(value)
        except ValueError:  # well formed but impossible, e.g. 30 February
            parsed = None
        if parsed is None:
            raise CommandError(f"--now {value!r} is not an ISO 8601 instant.")
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, datetime.UTC)
        return parsed

    def _preview(self, instant: datetime.datetime) -> None:
        due = selectors.reminders_unclaimed(selectors.reminders_due(instant))
        users = get_user_model().objects.in_bulk({c.recipient_id for c in due})
        if not due:
            self.stdout.write(f"Nothing is due at {instant.isoformat()}.")
            return
        for recipient_id in sorted({c.recipient_id for c in due}, key=lambda i: users[i].username):
            user = users[recipient_id]
            mine = [c for c in due if c.recipient_id == recipient_id]
            address = user.email or "no e-mail address: would be skipped"
            self.stdout.write(f"{user.username} <{address}>, {mine[0].day}: {len(mine)} item(s)")
            for candidate in sorted(mine, key=lambda c: selectors.KIND_ORDER.index(c.kind)):
                detail = candidate.detail.english
                self.stdout.write(f"  [{candidate.kind}] {candidate.title} ({detail})")
