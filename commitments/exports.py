"""Tabular exports of commitments, streamed row by row so memory stays flat at any size."""

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from .choices import Side
from .models import Commitment

COLUMNS = (
    "code",
    "pillar",
    "title",
    "status",
    "progress",
    "priority",
    "lead_side",
    "lead_organisations_india",
    "lead_organisations_japan",
    "responsible",
    "start_date",
    "target_date",
    "paragraph",
    "source_clause",
    "updated_at",
)


def _organisations(commitment: Commitment, side: str) -> str:
    return "; ".join(
        o.acronym or o.name for o in commitment.lead_organisations.all() if o.side == side
    )


def commitment_rows(queryset: QuerySet[Commitment], chunk_size: int = 1000) -> Iterator[list]:
    """Yield one list of cells per commitment, reading the table in chunks."""
    for c in queryset.iterator(chunk_size=chunk_size):
        yield [
            c.code,
            c.pillar.slug,
            c.title,
            c.status,
            c.progress,
            c.priority,
            c.lead_side,
            _organisations(c, Side.INDIA),
            _organisations(c, Side.JAPAN),
            c.responsible.username if c.responsible else "",
            c.start_date.isoformat() if c.start_date else "",
            c.target_date.isoformat() if c.target_date else "",
            c.paragraph,
            c.source_clause,
            c.updated_at.isoformat(),
        ]


def spreadsheet_safe(value):
    """Keep text that a spreadsheet would run as a formula (=, +, -, @) as plain text."""
    if isinstance(value, str) and value[:1] in "=+-@":
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list], header: Iterable[str] = COLUMNS) -> Iterator[str]:
    """Yield CSV text line by line, header first."""
    writer = csv.writer(_Echo())
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([spreadsheet_safe(v) for v in row])
