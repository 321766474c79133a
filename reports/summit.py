"""The summit progress report: what leaders read before an Annual Summit.

`summit_params` reads and checks the parameters (`as_of`, `since`, `pillar`), `summit_report`
gathers the contents as one reader may see them (the annex of attachments too: title, marking
and SHA-256 of those its reader may read); `pdf` and `xlsx` lay them out.
"""

import dataclasses
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments import history
from commitments.choices import Status
from commitments.models import Commitment, Declaration, OfficialClause, Pillar
from commitments.selectors import clauses_for_reader, pillar_choices
from declaration_tracker.core.i18n import in_japanese, localized
from dialogues.choices import MeetingState
from dialogues.models import DialogueMechanism
from dialogues.selectors import last_held
from discussion.attachment_selectors import attachment_list

from .lines import Line, commitment_lines, highest_marking, markings_shown, pillar_condition

# The chart's colours, as the tracker's badges (static/css/tracker.css).
STATUS_COLOURS = {
    Status.NOT_STARTED: "#4b5563",
    Status.ON_TRACK: "#166534",
    Status.AT_RISK: "#92400e",
    Status.OFF_TRACK: "#b91c1c",
    Status.COMPLETED: "#1e40af",
    Status.DISCONTINUED: "#9ca3af",
}


@dataclasses.dataclass(frozen=True)
class SummitParams:
    """What a summit report is of: the instant (None: when it is made), the day changes are
    counted from, and one pillar or all."""

    at: datetime.datetime | None
    since: datetime.date
    pillar: str | None

    def query(self) -> dict[str, str]:
        """The parameters as a query string would give them (for links and stored jobs)."""
        query = {"since": self.since.isoformat()}
        if self.at is not None:
            query["as_of"] = self.at.isoformat()
        if self.pillar:
            query["pillar"] = self.pillar
        return query


def last_summit() -> datetime.date:
    """The default "changes since": `TRACKER_LAST_SUMMIT`, else the declaration's date."""
    if settings.TRACKER_LAST_SUMMIT:
        return datetime.date.fromisoformat(settings.TRACKER_LAST_SUMMIT)
    return history.declaration_start().date()


def summit_params(query) -> SummitParams:
    """Read `as_of`, `since` and `pillar` from a query; a bad one raises a ValidationError
    naming it."""
    at = history.as_of_parse(query.get("as_of"))
    start = history.declaration_start().date()
    until = (at or timezone.now()).date()
    raw = query.get("since")
    if raw in (None, ""):
        since = min(max(last_summit(), start), until)
    else:
        try:
            since = datetime.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(
                {"since": _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": raw}}
            ) from None
        if not start <= since <= until:
            raise ValidationError(
                {
                    "since": _("Give a day from %(start)s to %(until)s.")
                    % {"start": start.isoformat(), "until": until.isoformat()}
                }
            )
    pillar = query.get("pillar") or None
    pillars = dict(pillar_choices())
    if pillar is not None and pillar not in pillars:
        raise ValidationError(
            {
                "pillar": _("“%(value)s” is not a pillar; use one of %(slugs)s.")
                % {"value": pillar, "slugs": ", ".join(pillars)}
            }
        )
    return SummitParams(at=at, since=since, pillar=pillar)


def commitment_count(params: SummitParams) -> int:
    """How many commitments the report covers (to decide where it is made)."""
    return Commitment.objects.filter(pillar_condition(params.pillar)).count()


def figures(lines: list[Line]) -> dict:
    """The summary figures of some lines."""
    total = len(lines)
    counts = {status: 0 for status in Status.values}
    for line in lines:
        counts[line.commitment.status] += 1
    return {
        "total": total,
        "by_status": [
            {"status": s, "label": str(label), "count": counts[s], "colour": STATUS_COLOURS[s]}
            for s, label in Status.choices
        ],
        "progress": round(sum(line.commitment.progress for line in lines) / total) if total else 0,
        "disagree": sum(not line.sides_agree for line in lines),
        "awaiting": sum(bool(line.commitment.awaiting_side) for line in lines),
        "overdue_milestones": sum(len(line.overdue_milestones) for line in lines),
        "changed": sum(bool(line.changes) for line in lines),
    }


def chart(sections: list[dict], left: int = 62, width: int = 108, row: int = 9) -> dict:
    """One stacked bar a pillar (in millimetres: the label, then each status's share of its
    commitments across `width`)."""
    bars = []
    for n, section in enumerate(sections):
        total = section["figures"]["total"] or 1
        x = float(left)
        segments = []
        for part in section["figures"]["by_status"]:
            share = width * part["count"] / total
            if part["count"]:
                segments.append({**part, "x": f"{x:.2f}", "width": f"{share:.2f}"})
            x += share
        bars.append({"label": section["name"], "segments": segments, "y": n * row})
    return {"bars": bars, "height": max(len(bars), 1) * row}


def mechanism_rows(at: datetime.datetime, since: datetime.date, pillar: str | None) -> list:
    """Each dialogue mechanism at `at`: its last meeting held by then, the meetings held since
    `since`, when the next is due and whether it was overdue."""
    day = at.date()
    mechanisms = (
        DialogueMechanism.objects.select_related("declaration", "pillar", "reinforced_by")
        .filter(pillar_condition(pillar))
        .annotate(
            last_held=last_held(day),
            held_since=Count(
                "meetings",
                filter=Q(
                    meetings__state=MeetingState.HELD,
                    meetings__date__gt=since,
                    meetings__date__lte=day,
                ),
            ),
        )
        .order_by("name")
    )
    rows = []
    for mechanism in mechanisms:
        mechanism.due = mechanism.next_due(mechanism.last_held)
        mechanism.overdue = mechanism.is_overdue(mechanism.last_held, day)
        mechanism.label = localized(mechanism, "name")
        rows.append(mechanism)
    return rows


def attachment_rows(lines: list[Line], user, at: datetime.datetime) -> list:
    """The attachments of the lines' commitments (on each, and on its milestones) that `user`
    may read, attached by `at`, in the lines' order then oldest first; each with `code` (its
    commitment's) and `milestone` (the one it is on, or None). One query whatever their
    number. Their titles and markings are today's: a removed one is not listed."""
    position = {line.commitment.code: n for n, line in enumerate(lines)}
    codes = {line.commitment.pk: line.commitment.code for line in lines}
    on_them = Q(commitment_id__in=list(codes)) | Q(milestone__commitment_id__in=list(codes))
    found = list(
        attachment_list(user)
        .filter(on_them, created_at__lte=at)
        .select_related("milestone")
        .order_by("created_at", "id")
    )
    for attachment in found:
        attachment.code = codes[attachment.commitment_id or attachment.milestone.commitment_id]
    return sorted(found, key=lambda attachment: position[attachment.code])


def official_clauses_attach(lines: list[Line]) -> None:
    """Give each line's commitment `official`: its clause in the official text the reader
    reads first (their language's, else the other), or None. One query whatever their number."""
    found: dict[int, list[OfficialClause]] = {}
    clauses = OfficialClause.objects.filter(
        commitment_id__in=[line.commitment.pk for line in lines]
    ).select_related("document")
    for clause in clauses:
        found.setdefault(clause.commitment_id, []).append(clause)
    language = "ja" if in_japanese() else "en"
    for line in lines:
        ordered = clauses_for_reader(found.get(line.commitment.pk, []), language)
        line.commitment.official = ordered[0] if ordered else None


def summit_report(user, params: SummitParams, progress=None) -> dict:
    """The report's contents for `user` (only what their release markings let them read).
    `progress(fraction)` is told how far the gathering has gone."""
    at = params.at or timezone.now()
    pillars = list(
        Pillar.objects.filter(Q(slug=params.pillar) if params.pillar else Q()).order_by("position")
    )
    queryset = Commitment.objects.filter(pillar__in=pillars).order_by("pillar__position", "code")
    lines = commitment_lines(queryset, user, at=at, since=params.since)
    if progress:
        progress(0.4)
    sections = []
    for pillar in pillars:
        own = [line for line in lines if line.commitment.pillar_id == pillar.pk]
        sections.append(
            {
                "pillar": pillar,
                "name": localized(pillar, "name"),
                "lines": own,
                "figures": figures(own),
            }
        )
    mechanisms = mechanism_rows(at, params.since, params.pillar)
    attachments = attachment_rows(lines, user, at)
    declaration = Declaration.objects.select_related("text_source").order_by("date").first()
    official_clauses_attach(lines)
    return {
        "declaration": declaration,
        "source": declaration.text_source if declaration else None,
        "has_official_clauses": any(line.commitment.official for line in lines),
        "params": params,
        "at": at,
        "as_of": params.at,
        "since": params.since,
        "pillar": pillars[0] if params.pillar else None,
        "generated_at": timezone.now(),
        "summary": figures(lines),
        "sections": sections,
        "chart": chart(sections),
        "mechanisms": mechanisms,
        "mechanisms_overdue": sum(m.overdue for m in mechanisms),
        "lines": lines,
        "attachments": attachments,
        "marking": highest_marking(
            markings_shown(lines) | {attachment.marking for attachment in attachments}
        ),
        "reader": user,
    }
