"""Tabular exports of commitments, streamed row by row so memory stays flat at any size."""

from collections.abc import Iterator

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from access.choices import Side
from declaration_tracker.core.db import Joined

from .models import Commitment

COLUMNS = (
    "code",
    "pillar",
    "title",
    "status",
    "progress",
    "priority",
    "commitment_strength",
    "lead_side",
    "lead_organisations_india",
    "lead_organisations_japan",
    "responsible_india",
    "responsible_japan",
    "start_date",
    "target_date",
    "paragraph",
    "source_clause",
    "updated_at",
    "india_status",
    "japan_status",
    "sides_agree",
    "awaiting_side",
)


def _organisations(side: str) -> Joined:
    """The lead organisations of one side, by acronym (or name), joined in the query itself."""
    name = Coalesce(NullIf("lead_organisations__acronym", Value("")), "lead_organisations__name")
    return Joined(name, separator="; ", filter=Q(lead_organisations__side=side))


def _sorted(joined: str | None) -> str:
    return "; ".join(sorted(joined.split("; "))) if joined else ""


def commitment_rows(queryset: QuerySet[Commitment], chunk_size: int = 1000) -> Iterator[list]:
    """Yield one list of cells per commitment, reading the table in chunks.

    One query whatever the size: the organisations are aggregated in it, not prefetched per
    chunk.
    """
    queryset = queryset.prefetch_related(None).annotate(
        organisations_india=_organisations(Side.INDIA),
        organisations_japan=_organisations(Side.JAPAN),
    )
    for c in queryset.iterator(chunk_size=chunk_size):
        yield [
            c.code,
            c.pillar.slug,
            c.title,
            c.status,
            c.progress,
            c.priority,
            c.commitment_strength,
            c.lead_side,
            _sorted(c.organisations_india),
            _sorted(c.organisations_japan),
            c.responsible_india.username if c.responsible_india else "",
            c.responsible_japan.username if c.responsible_japan else "",
            c.start_date.isoformat() if c.start_date else "",
            c.target_date.isoformat() if c.target_date else "",
            c.paragraph,
            c.source_clause,
            c.updated_at.isoformat(),
            c.india_status,
            c.japan_status,
            "yes" if c.sides_agree else "no",
            c.awaiting_side,
        ]
