from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commitments.loading import DATA_FILE, declaration_data_read
from declaration.loading import declaration_load
from declaration.sources import official_source_load, source_file_read


class Command(BaseCommand):
    help = (
        "Load or refresh the declaration, its pillars, commitments and dialogue mechanisms; "
        "with --source, add or update an official text of it and each commitment's clause in it."
    )

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

        parser.add_argument(
            "--source",
            type=Path,
            metavar="FILE",
            help="An official text (or official translation) of the declaration, as YAML: the "
            "document's title, publisher, published, language, kind and url, and a list of "
            "clauses (code, paragraph, text). See docs/sources.md. Checked whole; nothing is "
            "written if any entry is wrong; loading it again updates in place.",
        )

    def handle(self, *args, **options):
        if options["source"] is not None:
            return self.source_load(Path(options["source"]))
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

    def source_load(self, path: Path) -> None:
        try:
            report = official_source_load(data=source_file_read(path))
        except FileNotFoundError as exc:
            raise CommandError(f"No source file at {path}.") from exc
        except ValidationError as exc:
            raise CommandError(
                f"The source file {path} is not valid; nothing was loaded:\n  "
                + "\n  ".join(exc.messages)
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Source loaded: {report}."))
