"""Reads that several edges share: the API, the browser UI, exports and reminders."""

import datetime

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Round
from django.utils import translation

from access import visibility
from access.choices import NATIONAL_MARKING, SHARED_MARKINGS, Role, Side
from declaration_tracker.core import registry
from declaration_tracker.core.cache import REFERENCE, cached

from .choices import SourceKind, Status
from .models import (
    Commitment,
    CommitmentContext,
    Declaration,
    Milestone,
    OfficialClause,
    Organisation,
    Pillar,
    ProposalState,
    SharedTermChange,
    SourceDocument,
    StatusUpdate,
    User,
)

COMMITMENT_SEARCH_FIELDS = ("code", "title", "description", "context", "source_clause")


def commitment_search(
    queryset: QuerySet[Commitment], text: str, user, *, discussion: bool = True
) -> QuerySet[Commitment]:
    """Keep commitments whose code, title, description, the tracker's note, a side's context
    or clause has every word, or (with `discussion`) what the apps above add: the comments on
    it and its milestones (`registry.search_sources`). The note, a side's context and a comment
    count only where `user` may read them, so a search for hidden text finds nothing."""
    readable_context = visibility.condition(user)
    for word in text.split()[:10]:
        added = registry.search_conditions(Commitment, word, user) if discussion else []
        in_side_context = Exists(
            CommitmentContext.objects.filter(
                visibility.condition(user), commitment=OuterRef("pk"), text__icontains=word
            )
        )
        queryset = queryset.filter(
            Q(
                *[
                    Q(**{f"{field}__icontains": word}) & readable_context
                    if field == "context"
                    else Q(**{f"{field}__icontains": word})
                    for field in COMMITMENT_SEARCH_FIELDS
                ],
                in_side_context,
                *added,
                _connector=Q.OR,
            )
        )
    return queryset


def context_list(reader) -> QuerySet[CommitmentContext]:
    """The sides' contexts `reader` may read (the other government's national-only ones are
    left out: the reader never learns they exist), India's first."""
    return CommitmentContext.objects.visible_to(reader).select_related("updated_by")


def side_context(reader, commitment: Commitment, side: str) -> CommitmentContext | None:
    """`side`'s context of `commitment` if `reader` may read it, else None."""
    return context_list(reader).filter(commitment=commitment, side=side).first()


def with_contexts(queryset: QuerySet[Commitment], reader) -> QuerySet[Commitment]:
    """The commitments with the sides' contexts `reader` may read (`side_contexts`, India's
    first), in one more query whatever their number."""
    return queryset.prefetch_related(
        Prefetch(
            "contexts",
            queryset=context_list(reader).exclude(text="").order_by("side"),
            to_attr="side_contexts",
        )
    )


# Both governments give the same status.
SIDES_AGREE = Q(india_status=F("japan_status"))


def has_shared_milestones(commitment: Commitment) -> bool:
    """Whether the commitment's official progress comes from milestones: it has shared ones
    (national-only milestones never make the official figure; without shared ones, progress is
    set by hand)."""
    return commitment.milestones.filter(marking__in=SHARED_MARKINGS).exists()


def internal_progress_annotation(reader):
    """The progress `reader`'s own side makes of a commitment counting its national-only
    milestones with the shared ones (a correlated subquery; null for a reader of no side, and
    where their side has no national milestone there). Computed per reader, never stored:
    the other side never reads it."""
    side = getattr(reader, "side", "") if reader is not None else ""
    if side not in Side.values:
        return Value(None, output_field=IntegerField())
    national = NATIONAL_MARKING[side]
    weights = (
        Milestone.objects.filter(
            commitment=OuterRef("pk"), marking__in=[*SHARED_MARKINGS, national]
        )
        .order_by()
        .values("commitment")
        .annotate(
            national_n=Count("id", filter=Q(marking=national)),
            total=Sum("weight"),
            done=Sum("weight", filter=Q(completed_on__isnull=False), default=0),
        )
        .annotate(
            share=Case(
                When(
                    national_n__gt=0,
                    then=Cast(
                        Round(100.0 * Cast("done", FloatField()) / Cast("total", FloatField())),
                        IntegerField(),
                    ),
                ),
                default=None,
                output_field=IntegerField(),
            )
        )
        .values("share")[:1]
    )
    return Subquery(weights, output_field=IntegerField())


def internal_progress(commitment: Commitment) -> int | None:
    """The reader's side's internal progress of a commitment read by `commitment_list`: shown
    only where it differs from the official progress, and never for a past instant."""
    value = getattr(commitment, "internal_progress", None)
    if value is None or getattr(commitment, "as_of", None) or value == commitment.progress:
        return None
    return value


def commitment_list(reader) -> QuerySet[Commitment]:
    """Commitments as `reader` may read them, with everything a list row shows, in a constant
    number of queries (the reader's side's internal progress among them)."""
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
            # 100 index probes, where Max() over a join grouped every status update first.
            last_status_update_at=Subquery(
                StatusUpdate.objects.filter(commitment=OuterRef("pk"))
                .order_by("-created_at")
                .values("created_at")[:1]
            ),
            internal_progress=internal_progress_annotation(reader),
        )
    )


def with_pending_changes(queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """The commitments with their pending proposals (`pending_changes`), in one more query
    whatever their number: for the API and a commitment's page, which show them."""
    return queryset.prefetch_related(
        Prefetch("term_changes", queryset=pending_changes(), to_attr="pending_changes")
    )


def with_sources(queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """The commitments with the document their clause is quoted from (`declaration.text_source`,
    joined) and their clauses in official texts (`official_clauses`, in one more query whatever
    their number): for the API and a commitment's page, which show them."""
    return queryset.select_related("declaration__text_source").prefetch_related(
        Prefetch(
            "official_clauses",
            queryset=OfficialClause.objects.select_related("document").order_by(
                "document__language", "document__kind"
            ),
        )
    )


def declaration_current() -> Declaration | None:
    """The declaration the tracker follows (the latest loaded), with its text's source."""
    return Declaration.objects.select_related("text_source").order_by("-date", "-id").first()


def declaration_list(reader: User) -> QuerySet[Declaration]:
    """The declarations, as the change feed gives them to `reader`: every reader reads them
    (a declaration and its documents carry no marking: what is public of the agreement)."""
    return Declaration.objects.select_related("text_source")


def declaration_sources(declaration: Declaration) -> list[SourceDocument]:
    """A declaration's documents: the one its text is taken from first, then the official ones."""
    documents = list(SourceDocument.objects.filter(declaration=declaration))
    return sorted(documents, key=lambda d: (d.pk != declaration.text_source_id, d.kind, d.language))


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
    (never the operator), plus the current owners named in `keep`, so that an edit keeps them."""
    has_role = Q(is_active=True, is_superuser=False, groups__name__in=Role.values)
    kept = [pk for pk in keep if pk]
    return User.objects.filter(has_role | Q(pk__in=kept)).distinct()


def clauses_for_reader(clauses, language: str) -> list[OfficialClause]:
    """A commitment's official clauses, those in the reader's language first (official texts
    before translations, then English)."""
    order = {SourceKind.OFFICIAL_TEXT: 0, SourceKind.OFFICIAL_TRANSLATION: 1}
    return sorted(
        clauses,
        key=lambda c: (
            c.document.language != language,
            order.get(c.document.kind, 2),
            c.document.language,
        ),
    )
