"""Lay out the text the tracker holds (a published summary of the declaration) for reading,
with the clauses of commitments and mechanisms.

Pure functions: no database, no HTML. The template escapes the text; here the text is only
cut into pieces, so the words of the declaration are shown exactly once, whatever the clauses.
"""

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any


def declaration_paragraphs(text: str) -> list[str]:
    """The text's paragraphs, numbered from 1 by their place in this list: its non-blank
    lines. The one numbering of the data file's `paragraph`, the loader's check, the services
    and the pages."""
    return [line for line in text.splitlines() if line.strip()]


@dataclasses.dataclass
class Segment:
    """A run of a paragraph's text; `items` are what its clause belongs to (none: plain text)."""

    text: str
    items: list[Any] = dataclasses.field(default_factory=list)

    @property
    def is_clause(self) -> bool:
        return bool(self.items)


@dataclasses.dataclass
class Paragraph:
    number: int
    segments: list[Segment]
    unplaced: list[Any] = dataclasses.field(default_factory=list)


def clause_spans(text: str, clauses: Iterable[tuple[str, Any]]) -> tuple[list[Segment], list[Any]]:
    """Cut `text` into plain and highlighted segments.

    `clauses` are (clause, item) pairs. Each clause is looked for verbatim (its first
    occurrence); an item with its own words of a shared clause (`clause_part`) marks only
    those words, inside the clause. Overlapping or nested clauses are merged into one
    highlighted segment that lists all their items in the order given. Clauses not found in
    the text (or empty) are returned as `unplaced`, in the order given.
    """
    spans: list[tuple[int, int, int, Any]] = []
    unplaced: list[Any] = []
    for order, (clause, item) in enumerate(clauses):
        start = text.find(clause) if clause else -1
        part = getattr(item, "clause_part", "") or ""
        if start >= 0 and part:
            start = text.find(part, start, start + len(clause))
            clause = part
        if start < 0:
            unplaced.append(item)
        else:
            spans.append((start, start + len(clause), order, item))
    spans.sort(key=lambda span: (span[0], -span[1], span[2]))

    merged: list[tuple[int, int, list[tuple[int, Any]]]] = []
    for start, end, order, item in spans:
        if merged and start < merged[-1][1]:
            first, last, members = merged[-1]
            members.append((order, item))
            merged[-1] = (first, max(last, end), members)
        else:
            merged.append((start, end, [(order, item)]))

    segments: list[Segment] = []
    position = 0
    for start, end, members in merged:
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], [item for _, item in sorted(members)]))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments, unplaced


def declaration_layout(text: str, items: Sequence[Any]) -> tuple[list[Paragraph], list[Any]]:
    """Return the paragraphs of `text` with the clauses of `items` marked in them.

    Paragraphs are numbered as `declaration_paragraphs` numbers them. Each item has
    `source_clause` and `paragraph` (and may have `clause_part`). Items whose paragraph does
    not exist are returned separately.
    """
    lines = declaration_paragraphs(text)
    by_number: dict[int, list[tuple[str, Any]]] = {}
    orphans: list[Any] = []
    for item in items:
        if 1 <= item.paragraph <= len(lines):
            by_number.setdefault(item.paragraph, []).append((item.source_clause, item))
        else:
            orphans.append(item)
    paragraphs = []
    for number, line in enumerate(lines, start=1):
        segments, unplaced = clause_spans(line, by_number.get(number, []))
        paragraphs.append(Paragraph(number, segments, unplaced))
    return paragraphs, orphans
