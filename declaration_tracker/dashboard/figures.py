"""The managers' dashboard figures: one definition for the API, the browser and anyone else.

Every figure is computed in SQL (conditional aggregates) in a fixed number of queries, and
carries the link to the filtered commitments list behind it.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commitments import trail_messages, visibility
from commitments.choices import CommitmentStrength, LeadSide, MilestoneState, Side, Status
from commitments.models import Commitment, Milestone, Pillar
from commitments.selectors import (
    milestone_list,
    side_counts,
    stale_condition,
    status_counts,
    status_update_list,
)
from declaration_tracker.core.cache import DASHBOARD, cached, invalidate
from declaration_tracker.core.i18n import in_japanese, localized
from dialogues.selectors import mechanisms_overdue

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


def dashboard_figures(user, today: datetime.date | None = None) -> dict:
    """The figures as `user` may see them: milestones and notes under their release markings
    (counts count only what they may read)."""
    today = today or timezone.localdate()
    due_by = today + datetime.timedelta(days=DUE_WITHIN_DAYS)

    # Every commitment figure from one pass: counts per (pillar, lead side, strength of
    # language), added up here.
    groups = list(
        Commitment.objects.order_by()
        .values("pillar_id", "lead_side", "commitment_strength")
        .annotate(
            total=Count("id"),
            progress_sum=Sum("progress"),
            stale=Count("id", filter=stale_condition(today)),
            **status_counts(),
            **side_counts(),
        )
    )
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
    open_ = Q(completed_on__isnull=True)
    # Open milestones due by the horizon: the partial index on open milestones' due dates.
    readable = visibility.visible(Milestone.objects.all(), user)
    milestone_counts = readable.filter(open_, due_date__lte=due_by).aggregate(
        overdue=Count("id", filter=Q(due_date__lt=today)),
        due=Count("id", filter=Q(due_date__gte=today)),
    )
    milestones = visibility.visible(milestone_list(), user)
    overdue = milestones.filter(Milestone.state_condition(MilestoneState.OVERDUE, today))
    due = milestones.filter(open_, due_date__gte=today, due_date__lte=due_by)
    stale = (
        Commitment.objects.select_related("pillar", "responsible")
        .filter(stale_condition(today))
        .order_by("updated_at")
    )
    recent = (
        status_update_list().select_related("commitment__pillar").order_by("-created_at", "-id")
    )
    mechanisms = mechanisms_overdue(today)

    return {
        "as_of": today,
        "overall": {
            "commitments": overall["total"],
            "progress": overall["progress"],
            "by_status": _mix(overall),
            "link": list_link(),
        }
        | _sides(overall),
        **_sides(overall),
        "pillars": [
            {
                "slug": p["slug"],
                "name": (p["name_ja"] if in_japanese() and p["name_ja"] else p["name"]),
                "commitments": p["total"],
                "progress": p["progress"],
                "by_status": _mix(p, pillar=p["slug"]),
                "link": list_link(pillar=p["slug"]),
            }
            | _sides(p, pillar=p["slug"])
            for p in pillars
        ],
        "lead_sides": [
            {
                "lead_side": side,
                "label": _("%(side)s-led") % {"side": label}
                if side != LeadSide.JOINT
                else str(label),
                "commitments": sides[side]["total"],
                "progress": sides[side]["progress"],
                "by_status": _mix(sides[side], lead_side=side),
                "link": list_link(lead_side=side),
            }
            | _sides(sides[side], lead_side=side)
            for side, label in LeadSide.choices
        ],
        "strengths": [
            {
                "commitment_strength": strength,
                "label": str(label),
                "commitments": strengths[strength]["total"],
                "progress": strengths[strength]["progress"],
                "by_status": _mix(strengths[strength], commitment_strength=strength),
                "link": list_link(commitment_strength=strength),
            }
            | _sides(strengths[strength], commitment_strength=strength)
            for strength, label in CommitmentStrength.choices
            if strengths[strength]["total"]
        ],
        "milestones_overdue": {
            "count": milestone_counts["overdue"],
            "link": list_link(milestones=MilestoneState.OVERDUE),
            "items": [_milestone(m) for m in overdue.order_by("due_date", "id")[:ITEMS]],
        },
        "milestones_due": {
            "count": milestone_counts["due"],
            "days": DUE_WITHIN_DAYS,
            "link": list_link(milestone_due_within=DUE_WITHIN_DAYS),
            "items": [_milestone(m) for m in due.order_by("due_date", "id")[:ITEMS]],
        },
        "stale": {
            "count": overall["stale"],
            "link": list_link(stale="true"),
            "items": [
                {
                    "code": c.code,
                    "title": localized(c, "title"),
                    "status": c.status,
                    "updated_at": c.updated_at,
                    "link": reverse("commitment-detail", args=[c.code]),
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
                "link": reverse("commitment-detail", args=[u.commitment.code]),
            }
            for u in visibility.shown_all(recent[:ITEMS], user)
        ],
        "dialogues_overdue": [
            mechanism | {"link": reverse("dialogue-detail", args=[mechanism["slug"]])}
            for mechanism in mechanisms
        ],
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


def dashboard_figures_cached(user, today: datetime.date | None = None) -> dict:
    """The dashboard figures from the cache, computed again after any write (see `generations`);
    one copy per set of release markings readers hold."""
    today = today or timezone.localdate()
    # One copy per language too: labels, names and the tracker's notes are in the reader's.
    key = f"{today.isoformat()}:{visibility.scope(user)}:{translation.get_language()}"
    return cached(DASHBOARD, key, lambda: dashboard_figures(user, today), CACHE_SECONDS)


def dashboard_invalidate(**_signal) -> None:
    invalidate(DASHBOARD)
