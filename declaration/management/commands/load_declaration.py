from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commitments.loading import DATA_FILE, declaration_data_read
from declaration.loading import declaration_load


class Command(BaseCommand):
    help = "Load or refresh the declaration, its pillars, commitments and dialogue mechanisms."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=DATA_FILE, help=f"Data file (default: {DATA_FILE})."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite users' edits of commitments and mechanisms with the file's values "
            "(said, one by one); without it they are kept and the differences reported.",
        )

    def handle(self, *args, **options):
        try:
            data = declaration_data_read(Path(options["file"]))
            report = declaration_load(data=data, force=options["force"])
        except FileNotFoundError as exc:
            raise CommandError(f"No data file at {options['file']}.") from exc
        except ValidationError as exc:
            raise CommandError(
                "The data file is not valid:\n  " + "\n  ".join(exc.messages)
            ) from exc
        for line in report.kept:
            self.stdout.write(self.style.WARNING(line))
        for line in report.overwritten:
            self.stdout.write(self.style.WARNING(line))
        self.stdout.write(self.style.SUCCESS(f"Declaration loaded: {report}."))
