"""The managers' dashboard figures: one definition for the API, the browser and anyone else.

Every figure is computed in SQL (conditional aggregates) in a fixed number of queries, and
carries the link to the filtered commitments list behind it.
"""

import datetime
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from dialogues.selectors import mechanisms_overdue

from .choices import LeadSide, MilestoneState, Status
from .models import Commitment, Milestone, Pillar
from .selectors import milestone_list, stale_condition, status_update_list

LIST_URL = "/commitments/"
GENERATION_KEY = "dashboard:generation"
CACHE_SECONDS = 300
DUE_WITHIN_DAYS = 30
ITEMS = 10


def list_link(**params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{LIST_URL}?{query}" if query else LIST_URL


def _status_counts(prefix: str = "") -> dict:
    """Count rows per status; `prefix` reaches the commitments through a relation."""
    return {
        f"n_{s}": Count(f"{prefix}id", filter=Q(**{f"{prefix}status": s})) for s in Status.values
    }


def _mix(row: dict, **link_params) -> dict:
    return {
        status: {
            "label": str(label),
            "count": row[f"n_{status}"],
            "link": list_link(**link_params, status=status),
        }
        for status, label in Status.choices
    }


def dashboard_figures(today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    due_by = today + datetime.timedelta(days=DUE_WITHIN_DAYS)

    overall = Commitment.objects.aggregate(
        commitments=Count("id"),
        progress=Coalesce(Avg("progress"), 0.0),
        stale=Count("id", filter=stale_condition(today)),
        **_status_counts(),
    )
    pillars = Pillar.objects.annotate(
        total=Count("commitments"),
        progress=Coalesce(Avg("commitments__progress"), 0.0),
        **_status_counts("commitments__"),
    ).order_by("position")
    sides = {
        row["lead_side"]: row
        for row in Commitment.objects.order_by()
        .values("lead_side")
        .annotate(total=Count("id"), progress=Coalesce(Avg("progress"), 0.0), **_status_counts())
    }
    open_ = Q(completed_on__isnull=True)
    milestone_counts = Milestone.objects.aggregate(
        overdue=Count("id", filter=Milestone.state_condition(MilestoneState.OVERDUE, today)),
        due=Count("id", filter=open_ & Q(due_date__gte=today, due_date__lte=due_by)),
    )
    overdue = milestone_list().filter(Milestone.state_condition(MilestoneState.OVERDUE, today))
    due = milestone_list().filter(open_, due_date__gte=today, due_date__lte=due_by)
    stale = (
        Commitment.objects.select_related("pillar", "responsible")
        .filter(stale_condition(today))
        .order_by("updated_at")
    )
    recent = (
        status_update_list().select_related("commitment__pillar").order_by("-created_at", "-id")
    )
    mechanisms = mechanisms_overdue(today)

    empty = {f"n_{s}": 0 for s in Status.values} | {"total": 0, "progress": 0.0}
    return {
        "as_of": today,
        "overall": {
            "commitments": overall["commitments"],
            "progress": round(overall["progress"]),
            "by_status": _mix(overall),
            "link": list_link(),
        },
        "pillars": [
            {
                "slug": p.slug,
                "name": p.name,
                "commitments": p.total,
                "progress": round(p.progress),
                "by_status": _mix(vars(p), pillar=p.slug),
                "link": list_link(pillar=p.slug),
            }
            for p in pillars
        ],
        "lead_sides": [
            {
                "lead_side": side,
                "label": f"{label}-led" if side != LeadSide.JOINT else str(label),
                "commitments": sides.get(side, empty)["total"],
                "progress": round(sides.get(side, empty)["progress"]),
                "by_status": _mix(sides.get(side, empty), lead_side=side),
                "link": list_link(lead_side=side),
            }
            for side, label in LeadSide.choices
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
                    "title": c.title,
                    "status": c.status,
                    "updated_at": c.updated_at,
                    "link": f"{LIST_URL}{c.code}/",
                }
                for c in stale[:ITEMS]
            ],
        },
        "recent_activity": [
            {
                "code": u.commitment.code,
                "title": u.commitment.title,
                "at": u.created_at,
                "author": str(u.author),
                "from_status": u.from_status,
                "to_status": u.to_status,
                "to_progress": u.to_progress,
                "note": u.note,
                "link": f"{LIST_URL}{u.commitment.code}/",
            }
            for u in recent[:ITEMS]
        ],
        "dialogues_overdue": [
            {
                "slug": m.slug,
                "name": m.name,
                "last_held": m.last_held,
                "next_due": m.next_due(m.last_held),
                "link": f"/dialogues/{m.slug}/",
            }
            for m in mechanisms
        ],
    }


def _milestone(m: Milestone) -> dict:
    return {
        "id": m.pk,
        "title": m.title,
        "due_date": m.due_date,
        "code": m.commitment.code,
        "owner": m.owner.username if m.owner else None,
        "link": f"{LIST_URL}{m.commitment.code}/",
    }


def dashboard_figures_cached(today: datetime.date | None = None) -> dict:
    """The dashboard figures from the cache, computed again after any write.

    Every write to what the figures count moves a generation number on (see
    `dashboard_invalidate`), so a cached copy is never read after a change; with several
    web processes, CACHE_URL must name a shared cache (Redis) for that to hold across them.
    """
    today = today or timezone.localdate()
    key = f"dashboard:{cache.get_or_set(GENERATION_KEY, 0, None)}:{today.isoformat()}"
    figures = cache.get(key)
    if figures is None:
        figures = dashboard_figures(today)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def dashboard_invalidate(**_signal) -> None:
    """Retire the cached figures now, and again once the writing transaction commits.

    The second bump matters: a request that recomputed the figures while the write was not
    yet committed would otherwise keep the old figures cached.
    """
    _bump()
    transaction.on_commit(_bump)
