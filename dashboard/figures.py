"""The managers' dashboard figures: one definition for the API, the browser and anyone else.

Every figure is computed in SQL (conditional aggregates) in a fixed number of queries, and
carries the link to the filtered commitments list behind it.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from access import visibility
from access.choices import SHARED_MARKINGS, Side
from commitments import history, trail_messages
from commitments.choices import CommitmentStrength, LeadSide, MilestoneState, Status
from commitments.models import Commitment, Milestone, Pillar
from commitments.selectors import (
    milestone_list,
    side_counts,
    stale_condition,
    status_counts,
    status_update_list,
)
from declaration_tracker.core.cache import DASHBOARD, cached, invalidate
from declaration_tracker.core.events import Event
from declaration_tracker.core.i18n import in_japanese, localized
from dialogues.selectors import mechanisms_overdue
from discussion import reconciliation_selectors

CACHE_SECONDS = 300
DUE_WITHIN_DAYS = 30
ITEMS = 10


def list_link(**params) -> str:
    """The commitments list filtered by `params` (empty ones left out)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    url = reverse("commitment-list")
    return f"{url}?{query}" if query else url


def _mix(row: dict, **link_params) -> dict:
    return {
        status: {
            "label": str(label),
            "count": row[f"n_{status}"],
            "link": list_link(**link_params, status=status),
        }
        for status, label in Status.choices
    }


SUMMED = (
    "total",
    "progress_sum",
    "stale",
    *(f"n_{s}" for s in Status.values),
    *side_counts(),
)


def _sides(row: dict, **link_params) -> dict:
    """Where the two governments differ: disagreements, and confirmations awaited per side."""
    return {
        "sides_disagree": {
            "count": row["disagree"],
            "link": list_link(**link_params, sides_agree="false"),
        },
        "awaiting": {
            side: {
                "label": str(label),
                "count": row[f"awaiting_{side}"],
                "link": list_link(**link_params, awaiting_side=side),
            }
            for side, label in Side.choices
        },
    }


def _summed(rows) -> dict:
    """Add up grouped counts; `progress` is the mean progress of the rows' commitments."""
    total = {field: sum(row[field] for row in rows) for field in SUMMED}
    total["progress"] = round(total["progress_sum"] / total["total"]) if total["total"] else 0
    return total


GROUPED_BY = ("pillar_id", "lead_side", "commitment_strength")


def _groups(today: datetime.date) -> list[dict]:
    """Every commitment figure from one pass: counts per (pillar, lead side, strength of
    language), to be added up."""
    return list(
        Commitment.objects.order_by()
        .values(*GROUPED_BY)
        .annotate(
            total=Count("id"),
            progress_sum=Sum("progress"),
            stale=Count("id", filter=stale_condition(today)),
            **status_counts(),
            **side_counts(),
        )
    )


def _past_groups(at: datetime.datetime) -> tuple[list[dict], list[int]]:
    """`_groups` as they stood at `at`, from each commitment's state then (one query: the
    awaited side is decided per row in Python), and the ids of the commitments stale then."""
    rows = (
        history.past(Commitment.objects.order_by("updated_at", "pk"), at)
        .annotate(is_stale=ExpressionWrapper(history.past_stale_condition(at), BooleanField()))
        .values(
            "pk",
            *GROUPED_BY,
            "past_status",
            "past_progress",
            "past_india",
            "past_japan",
            "past_updating_side",
            "is_stale",
        )
    )
    groups: dict[tuple, dict] = {}
    stale = []
    for row in rows:
        key = tuple(row[field] for field in GROUPED_BY)
        group = groups.setdefault(
            key, dict(zip(GROUPED_BY, key, strict=True)) | {field: 0 for field in SUMMED}
        )
        awaiting = history.awaited(
            lead_side=row["lead_side"],
            india=row["past_india"],
            japan=row["past_japan"],
            updating_side=row["past_updating_side"],
        )
        group["total"] += 1
        group["progress_sum"] += row["past_progress"]
        group[f"n_{row['past_status']}"] += 1
        group["disagree"] += row["past_india"] != row["past_japan"]
        if awaiting:
            group[f"awaiting_{awaiting}"] += 1
        if row["is_stale"]:
            group["stale"] += 1
            stale.append(row["pk"])
    return list(groups.values()), stale


def dashboard_figures(
    user, today: datetime.date | None = None, at: datetime.datetime | None = None
) -> dict:
    """The figures as `user` may see them: milestones and notes under their release markings
    (counts count only what they may read). With `at`, as they stood at that instant (from
    the trail and the audit log, `commitments.history`); every link then opens the list as
    of that instant."""
    today = at.date() if at else (today or timezone.localdate())
    due_by = today + datetime.timedelta(days=DUE_WITHIN_DAYS)
    past = {"as_of": history.as_of_param(at)} if at else {}

    if at:
        groups, stale_ids = _past_groups(at)
    else:
        groups, stale_ids = _groups(today), None
    overall = _summed(groups)
    pillars = [
        pillar | _summed([g for g in groups if g["pillar_id"] == pillar["id"]])
        for pillar in Pillar.objects.order_by("position").values("id", "slug", "name", "name_ja")
    ]
    sides = {side: _summed([g for g in groups if g["lead_side"] == side]) for side in LeadSide}
    strengths = {
        strength: _summed([g for g in groups if g["commitment_strength"] == strength])
        for strength in CommitmentStrength
    }
    milestones = _past_milestones(user, at) if at else _milestones(user, today, due_by)
    stale = Commitment.objects.select_related("pillar", "responsible_india", "responsible_japan")
    if at:
        stale = stale.filter(pk__in=stale_ids).annotate(
            last_update=history.past_annotations(at)["past_last_update"]
        )
    else:
        stale = stale.filter(stale_condition(today))
    stale = stale.order_by("updated_at", "pk")
    recent = (
        status_update_list(user).select_related("commitment__pillar").order_by("-created_at", "-id")
    )
    if at:
        recent = recent.filter(created_at__lte=at)
    mechanisms = mechanisms_overdue(today, past=bool(at))
    # Reconciliations as they stand (not reproduced for the past): bilateral, so a reader of
    # neither government counts none.
    reconciliations = None if at else reconciliation_selectors.counts_by_pillar(user, today)

    return {
        "as_of": today,
        "as_of_instant": at,
        "overall": {
            "commitments": overall["total"],
            "progress": overall["progress"],
            "by_status": _mix(overall, **past),
            "link": list_link(**past),
        }
        | _sides(overall, **past),
        **_sides(overall, **past),
        "pillars": [
            {
                "slug": p["slug"],
                "name": (p["name_ja"] if in_japanese() and p["name_ja"] else p["name"]),
                "commitments": p["total"],
                "progress": p["progress"],
                "by_status": _mix(p, pillar=p["slug"], **past),
                "link": list_link(pillar=p["slug"], **past),
            }
            | _sides(p, pillar=p["slug"], **past)
            | {"reconciliations": _reconciliations(reconciliations, [p["id"]], p["slug"])}
            for p in pillars
        ],
        "reconciliations": _reconciliations(reconciliations, [p["id"] for p in pillars]),
        "lead_sides": [
            {
                "lead_side": side,
                "label": _("%(side)s-led") % {"side": label}
                if side != LeadSide.JOINT
                else str(label),
                "commitments": sides[side]["total"],
                "progress": sides[side]["progress"],
                "by_status": _mix(sides[side], lead_side=side, **past),
                "link": list_link(lead_side=side, **past),
            }
            | _sides(sides[side], lead_side=side, **past)
            for side, label in LeadSide.choices
        ],
        "strengths": [
            {
                "commitment_strength": strength,
                "label": str(label),
                "commitments": strengths[strength]["total"],
                "progress": strengths[strength]["progress"],
                "by_status": _mix(strengths[strength], commitment_strength=strength, **past),
                "link": list_link(commitment_strength=strength, **past),
            }
            | _sides(strengths[strength], commitment_strength=strength, **past)
            for strength, label in CommitmentStrength.choices
            if strengths[strength]["total"]
        ],
        # Counts of what the reader may read; the official (shared) figure, the same for both
        # governments, apart from the reader's own side's national-only milestones.
        "milestones_overdue": {
            "count": milestones["overdue_count"],
            "shared_count": milestones["overdue_count"] - milestones["overdue_national"],
            "national_count": milestones["overdue_national"],
            "link": list_link(milestones=MilestoneState.OVERDUE, **past),
            "items": milestones["overdue"],
        },
        "milestones_due": {
            "count": milestones["due_count"],
            "shared_count": milestones["due_count"] - milestones["due_national"],
            "national_count": milestones["due_national"],
            "days": DUE_WITHIN_DAYS,
            "link": list_link(milestone_due_within=DUE_WITHIN_DAYS, **past),
            "items": milestones["due"],
        },
        "stale": {
            "count": overall["stale"],
            "link": list_link(stale="true", **past),
            "items": [
                {
                    "code": c.code,
                    "title": localized(c, "title"),
                    "status": c.status,
                    "updated_at": (c.last_update or c.created_at) if at else c.updated_at,
                    "link": _detail_link(c.code, **past),
                }
                for c in stale[:ITEMS]
            ],
        },
        "recent_activity": [
            {
                "code": u.commitment.code,
                "title": localized(u.commitment, "title"),
                "at": u.created_at,
                "author": str(u.author),
                "side": u.side,
                "kind": u.kind,
                "assessment": u.assessment,
                "from_status": u.from_status,
                "to_status": u.to_status,
                "to_progress": u.to_progress,
                "note": trail_messages.rendered(u),
                "withheld": u.withheld,
                "link": _detail_link(u.commitment.code, **past),
            }
            for u in recent[:ITEMS]
        ],
        "dialogues_overdue": [
            mechanism | {"link": reverse("dialogue-detail", args=[mechanism["slug"]])}
            for mechanism in mechanisms
        ],
    }


def _reconciliations(counts: dict | None, pillar_ids: list[int], slug: str = "") -> dict | None:
    """Open and overdue reconciliations of these pillars, each linking to its list."""
    if counts is None:
        return None
    url = reverse("reconciliation-list")
    found = {}
    for state in ("open", "overdue"):
        params = {"state": state} | ({"pillar": slug} if slug else {})
        found[state] = {
            "count": sum(counts.get(pk, {}).get(state, 0) for pk in pillar_ids),
            "link": f"{url}?{urlencode(params)}",
        }
    return found


def _detail_link(code: str, **params) -> str:
    url = reverse("commitment-detail", args=[code])
    return f"{url}?{urlencode(params)}" if params else url


def _milestones(user, today: datetime.date, due_by: datetime.date) -> dict:
    """Open milestones overdue and due by the horizon that `user` may read: counts and the
    first few of each."""
    open_ = Q(completed_on__isnull=True)
    national = ~Q(marking__in=SHARED_MARKINGS)
    # Open milestones due by the horizon: the partial index on open milestones' due dates.
    readable = Milestone.objects.visible_to(user)
    counts = readable.filter(open_, due_date__lte=due_by).aggregate(
        overdue=Count("id", filter=Q(due_date__lt=today)),
        due=Count("id", filter=Q(due_date__gte=today)),
        overdue_national=Count("id", filter=Q(due_date__lt=today) & national),
        due_national=Count("id", filter=Q(due_date__gte=today) & national),
    )
    milestones = milestone_list(user)
    overdue = milestones.filter(Milestone.state_condition(MilestoneState.OVERDUE, today))
    due = milestones.filter(open_, due_date__gte=today, due_date__lte=due_by)
    return {
        "overdue_count": counts["overdue"],
        "due_count": counts["due"],
        "overdue_national": counts["overdue_national"],
        "due_national": counts["due_national"],
        "overdue": [_milestone(m) for m in overdue.order_by("due_date", "id")[:ITEMS]],
        "due": [_milestone(m) for m in due.order_by("due_date", "id")[:ITEMS]],
    }


def _past_milestones(user, at: datetime.datetime) -> dict:
    """`_milestones` as they stood at `at`, reproduced from the audit log."""
    ids = list(Commitment.objects.values_list("pk", flat=True))
    horizon = at.date() + datetime.timedelta(days=DUE_WITHIN_DAYS)
    found = history.milestones_as_of(ids, at, open_due_by=horizon)
    readable = visibility.readable(found, user)
    states = history.milestone_states_as_of(readable, at, due_within=DUE_WITHIN_DAYS)
    codes = dict(Commitment.objects.values_list("pk", "code"))
    params = {"as_of": history.as_of_param(at)}
    items = {
        key: [
            {
                "id": m.pk,
                "title": m.title,
                "due_date": m.due_date,
                "code": codes[m.commitment_id],
                "owner": m.owner_then,
                "link": _detail_link(codes[m.commitment_id], **params),
            }
            for m in found[:ITEMS]
        ]
        for key, found in states.items()
    }
    return {
        "overdue_count": len(states["overdue"]),
        "due_count": len(states["due"]),
        **{
            f"{key}_national": sum(m.marking not in SHARED_MARKINGS for m in found)
            for key, found in states.items()
        },
        **items,
    }


def _milestone(m: Milestone) -> dict:
    return {
        "id": m.pk,
        "title": m.title,
        "due_date": m.due_date,
        "code": m.commitment.code,
        "owner": m.owner.username if m.owner else None,
        "link": reverse("commitment-detail", args=[m.commitment.code]),
    }


def dashboard_figures_cached(
    user, today: datetime.date | None = None, at: datetime.datetime | None = None
) -> dict:
    """The dashboard figures from the cache, computed again after any write (see `generations`);
    one copy per set of release markings readers hold, and per instant of the past."""
    today = today or timezone.localdate()
    when = at.isoformat() if at else today.isoformat()
    # One copy per language too: labels, names and the tracker's notes are in the reader's.
    key = f"{when}:{visibility.scope(user)}:{translation.get_language()}"
    return cached(DASHBOARD, key, lambda: dashboard_figures(user, today, at), CACHE_SECONDS)


def dashboard_invalidate(_event: Event | None = None) -> None:
    """Retire the cached figures: the tracked figures changed (`FIGURES_CHANGED`)."""
    invalidate(DASHBOARD)
