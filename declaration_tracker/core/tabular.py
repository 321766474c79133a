"""Tables for spreadsheets: CSV streamed line by line, text kept as text (never a formula)."""

import csv
from collections.abc import Iterable, Iterator


def spreadsheet_safe(value):
    """Keep text that a spreadsheet would run as a formula (=, +, -, @) as plain text."""
    if isinstance(value, str) and value[:1] and value[:1] in "=+-@":
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list], header: Iterable[str]) -> Iterator[str]:
    """Yield CSV text line by line, header first."""
    writer = csv.writer(_Echo())
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([spreadsheet_safe(v) for v in row])
