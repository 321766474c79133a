"""Reads that several edges share: the API, the browser UI, exports and reminders."""

import datetime

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import translation

from access import visibility
from access.choices import Role, Side
from declaration_tracker.core.cache import REFERENCE, cached

from .choices import Status
from .models import (
    Commitment,
    Milestone,
    Organisation,
    Pillar,
    ProposalState,
    SharedTermChange,
    StatusUpdate,
    User,
)

COMMITMENT_SEARCH_FIELDS = ("code", "title", "description", "context", "source_clause")


def commitment_search(queryset: QuerySet[Commitment], text: str, user) -> QuerySet[Commitment]:
    """Keep commitments whose code, title, description, context or clause has every word; the
    context only where `user` may read it, so a search for hidden text finds nothing."""
    readable_context = visibility.condition(user)
    for word in text.split()[:10]:
        queryset = queryset.filter(
            Q(
                *[
                    Q(**{f"{field}__icontains": word}) & readable_context
                    if field == "context"
                    else Q(**{f"{field}__icontains": word})
                    for field in COMMITMENT_SEARCH_FIELDS
                ],
                _connector=Q.OR,
            )
        )
    return queryset


# Both governments report the same status.
SIDES_AGREE = Q(india_status=F("japan_status"))


def commitment_list(reader) -> QuerySet[Commitment]:
    """Commitments as `reader` may read them, with everything a list row shows, in a constant
    number of queries."""
    return (
        Commitment.objects.visible_to(reader)
        .select_related(
            "pillar",
            "responsible_india",
            "responsible_japan",
            "india_report__author",
            "japan_report__author",
        )
        .prefetch_related(
            Prefetch("lead_organisations", queryset=Organisation.objects.order_by("side", "name")),
            Prefetch("partners", queryset=Organisation.objects.order_by("name")),
        )
        .annotate(
            # A correlated subquery on the (commitment, -created_at) index: a page of 100 costs
            # 100 index probes, where Max() over a join grouped every trail entry first.
            last_status_update_at=Subquery(
                StatusUpdate.objects.filter(commitment=OuterRef("pk"))
                .order_by("-created_at")
                .values("created_at")[:1]
            )
        )
    )


def with_pending_changes(queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """The commitments with their pending proposals (`pending_changes`), in one more query
    whatever their number: for the API and a commitment's page, which show them."""
    return queryset.prefetch_related(
        Prefetch("term_changes", queryset=pending_changes(), to_attr="pending_changes")
    )


def pending_changes() -> QuerySet[SharedTermChange]:
    """Proposed changes of shared terms awaiting the other side, oldest first."""
    return SharedTermChange.objects.filter(state=ProposalState.PENDING).select_related(
        "proposed_by"
    )


def milestone_list(reader) -> QuerySet[Milestone]:
    """The milestones `reader` may read."""
    return Milestone.objects.visible_to(reader).select_related("commitment__pillar", "owner")


def status_update_list(reader) -> QuerySet[StatusUpdate]:
    """Status updates, their notes and evidence withheld where `reader` may not read them."""
    return StatusUpdate.objects.visible_to(reader).select_related("author", "commitment")


def side_counts() -> dict:
    """Conditional counts of commitments whose sides disagree and whose status awaits a side,
    as aggregates named `disagree`, `awaiting_india` and `awaiting_japan`."""
    return {
        "disagree": Count("id", filter=~SIDES_AGREE),
        **{f"awaiting_{side}": Count("id", filter=Q(awaiting_side=side)) for side in Side.values},
    }


def stale_condition(today: datetime.date, days: int | None = None) -> Q:
    """Select open commitments with no status update for `days` days (counted from creation).

    Completed and discontinued commitments need no further updates, so they are never stale.
    """
    days = settings.TRACKER_STALE_AFTER_DAYS if days is None else days
    cutoff = datetime.datetime.combine(
        today - datetime.timedelta(days=days), datetime.time.min, tzinfo=datetime.UTC
    )
    recent = StatusUpdate.objects.filter(commitment=OuterRef("pk"), created_at__gte=cutoff)
    closed = Q(status__in=[Status.COMPLETED, Status.DISCONTINUED])
    return Q(created_at__lt=cutoff) & ~closed & ~Exists(recent)


REFERENCE_SECONDS = 3600


def pillar_choices() -> list[tuple[str, str]]:
    """(slug, name) of every pillar, in order, names in the active language; cached (per
    language) until a pillar changes."""
    return cached(
        REFERENCE,
        f"pillars:{translation.get_language()}",
        lambda: [(p.slug, str(p)) for p in Pillar.objects.order_by("position")],
        REFERENCE_SECONDS,
    )


def organisation_choices() -> list[tuple[str, str]]:
    """(slug, label) of every organisation, in the active language; cached (per language)
    until an organisation changes."""
    return cached(
        REFERENCE,
        f"organisations:{translation.get_language()}",
        lambda: [(o.slug, str(o)) for o in Organisation.objects.all()],
        REFERENCE_SECONDS,
    )


def status_counts(field: str = "status") -> dict:
    """Conditional counts of commitments per status (in `field`), as aggregates named
    `n_<status>`."""
    return {f"n_{s}": Count("id", filter=Q(**{field: s})) for s in Status.values}


def owner_candidates(*, keep: tuple[int | None, ...] = ()) -> QuerySet[User]:
    """Who may own a milestone or an action item: active users with a role in the tracker
    (or superusers), plus the current owners named in `keep`, so that an edit keeps them."""
    has_role = Q(is_active=True) & (Q(groups__name__in=Role.values) | Q(is_superuser=True))
    kept = [pk for pk in keep if pk]
    return User.objects.filter(has_role | Q(pk__in=kept)).distinct()
