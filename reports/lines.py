"""One line per commitment for the reports: its state at an instant, what changed since an
earlier one, and its next milestone — as one reader may see it.

Both instants are reproduced from the status trail and the audit log (`commitments.history`),
so a report for a past date says what the tracker said then. A fixed number of queries
whatever the number of commitments: two for the states, one for the status updates behind
them, one for the status updates since, and the milestones' own few.
"""

import dataclasses
import datetime
from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from access import visibility
from access.choices import MARKING_REACH, SHARED_MARKINGS, Marking
from commitments import history
from commitments.choices import MilestoneState, Status
from commitments.models import Commitment, Milestone, StatusUpdate


@dataclasses.dataclass
class Line:
    """A commitment as it stood at the report's instant (`commitment`, the notes of its sides'
    latest status updates as the reader may read them) and at `since` (`then`)."""

    commitment: Commitment
    then: Commitment | None
    milestones: list[Milestone]
    updates_since: int

    @property
    def shared_milestones(self) -> list[Milestone]:
        """The milestones both governments read: the official figures come from these alone
        (a reader's own national-only milestones are listed, never counted in them)."""
        return [m for m in self.milestones if m.marking in SHARED_MARKINGS]

    @property
    def next_milestone(self) -> Milestone | None:
        return next((m for m in self.shared_milestones if not m.completed_on), None)

    @property
    def overdue_milestones(self) -> list[Milestone]:
        return [m for m in self.shared_milestones if m.current_state == MilestoneState.OVERDUE]

    @property
    def sides_agree(self) -> bool:
        return self.commitment.india_status == self.commitment.japan_status

    @property
    def completed_since(self) -> list[Milestone]:
        since = self.commitment.since
        return [m for m in self.milestones if m.completed_on and m.completed_on > since]

    @property
    def changes(self) -> list[str]:
        """What changed between `since` and the instant, in words; empty for no change."""
        now, then = self.commitment, self.then
        said = []
        if then is None:
            return said
        if then.status != now.status:
            said.append(
                _("Official status: %(before)s → %(after)s")
                % {"before": status_label(then.status), "after": status_label(now.status)}
            )
        for side, label in (("india", _("India")), ("japan", _("Japan"))):
            before, after = getattr(then, f"{side}_status"), getattr(now, f"{side}_status")
            # A side's move is worth its own line where the official status did not follow it.
            if before != after and after != now.status:
                said.append(
                    _("%(side)s's assessment: %(before)s → %(after)s")
                    % {
                        "side": label,
                        "before": status_label(before),
                        "after": status_label(after),
                    }
                )
        if then.progress != now.progress:
            said.append(
                _("Progress %(before)s%% → %(after)s%%")
                % {"before": then.progress, "after": now.progress}
            )
        done = self.completed_since
        if done:
            said.append(
                _("Milestones completed: %(titles)s") % {"titles": "; ".join(m.title for m in done)}
            )
        if self.updates_since:
            said.append(_("%(count)s trail entries") % {"count": self.updates_since})
        return said


def status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def since_instant(since: datetime.date) -> datetime.datetime:
    """The end of `since`'s day: "changes since 29 August" counts what came after that day."""
    return history.day_end(since)


def commitment_lines(
    queryset: QuerySet[Commitment], user, *, at: datetime.datetime, since: datetime.date
) -> list[Line]:
    """The lines of `queryset`'s commitments, in its order, for `user`, at `at`, with the
    changes since the end of `since`'s day (no changes when `since` is not before `at`)."""
    since_at = since_instant(since)
    queryset = queryset.select_related("pillar").prefetch_related(None)
    commitments = list(history.past(queryset, at))
    ids = [c.pk for c in commitments]
    then = {}
    updates_since: dict[int, int] = {}
    if since_at < at:
        then = {c.pk: c for c in history.past(Commitment.objects.filter(pk__in=ids), since_at)}
        updates_since = dict(
            StatusUpdate.objects.filter(
                commitment_id__in=ids, created_at__gt=since_at, created_at__lte=at
            )
            .order_by()
            .values("commitment_id")
            .annotate(n=Count("id"))
            .values_list("commitment_id", "n")
        )
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in visibility.readable(history.milestones_as_of(ids, at), user):
        milestones[milestone.commitment_id].append(milestone)
    lines = []
    for commitment in commitments:
        commitment.since = since
        for update in (commitment.india_report, commitment.japan_report):
            visibility.as_read_by(update, user)
        lines.append(
            Line(
                commitment=commitment,
                then=then.get(commitment.pk),
                milestones=milestones.get(commitment.pk, []),
                updates_since=updates_since.get(commitment.pk, 0),
            )
        )
    return lines


def markings_shown(lines: list[Line]) -> set[str]:
    """The markings of what the lines show the reader: notes not withheld, milestones."""
    found = set()
    for line in lines:
        for update in (line.commitment.india_report, line.commitment.japan_report):
            if update is not None and not update.withheld and (update.note or update.evidence_url):
                found.add(update.marking)
        found.update(m.marking for m in line.milestones)
    return found


def highest_marking(markings) -> str:
    """The most restricted of `markings`: what the whole report must be handled as (public
    when it shows nothing marked)."""
    markings = {m for m in markings if m}
    if not markings:
        return Marking.PUBLIC
    return min(markings, key=lambda marking: (MARKING_REACH[marking], marking))


def pillar_condition(pillar_slug: str | None, relation: str = "pillar__") -> Q:
    """Rows of one pillar (by slug), or all for None; `relation` leads from the row to it."""
    return Q(**{f"{relation}slug": pillar_slug}) if pillar_slug else Q()
