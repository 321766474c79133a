"""`python manage.py attachment_files_sweep`: delete stored files no attachment names (older
than an hour), and list the attachments whose file is missing."""

from django.core.management.base import BaseCommand, CommandError

from discussion.attachment_sweep import GRACE, attachment_files_sweep


class Command(BaseCommand):
    help = (
        "Delete the attachments' stored files that no attachment names (older than an hour, so "
        "an upload in flight is kept), and list the attachments whose file is missing. Exits 1 "
        "when a file is missing."
    )

    def handle(self, *args, **options):
        swept = attachment_files_sweep()
        for name in swept.deleted:
            self.stdout.write(f"Deleted {name}: no attachment names it.")
        if swept.too_young:
            minutes = int(GRACE.total_seconds() // 60)
            self.stdout.write(
                f"Kept {len(swept.too_young)} file(s) without an attachment, younger than "
                f"{minutes} minutes (an upload in flight): {', '.join(swept.too_young)}."
            )
        for pk in swept.missing:
            self.stderr.write(f"Attachment {pk}: its file is missing from the storage.")
        self.stdout.write(
            f"{len(swept.deleted)} file(s) deleted, {len(swept.missing)} attachment(s) without "
            "their file."
        )
        if swept.missing:
            raise CommandError(f"{len(swept.missing)} attachment(s) without their file.")
