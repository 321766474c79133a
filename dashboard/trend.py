"""The trend since the declaration: month by month, commitments per status and mean progress.

Each point is the state at the end of a month (the last point: now), derived from the trail
as `commitments.history` derives any past instant: one grouped query per point, whatever the
number of commitments. `side` counts by that government's own assessment instead of the
official status (progress is always the official one).
"""

import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from commitments import history
from commitments.choices import Status
from commitments.models import Commitment
from declaration_tracker.core.cache import DASHBOARD, cached

from .figures import CACHE_SECONDS, list_link


def month_ends(start: datetime.date, today: datetime.date) -> list[datetime.date]:
    """The last day of each month from `start`'s to the one before `today`'s, then `today`."""
    ends = []
    year, month = start.year, start.month
    while (year, month) < (today.year, today.month):
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        ends.append(following - datetime.timedelta(days=1))
        year, month = following.year, following.month
    return [*ends, today]


def trend(*, pillar: str | None = None, side: str | None = None, now=None) -> dict:
    """The points from the declaration to `now`, each with its counts, mean progress and the
    link to the list as of that day."""
    now = now or timezone.now()
    start = history.declaration_start().date()
    points = []
    commitments = Commitment.objects.order_by()
    if pillar:
        commitments = commitments.filter(pillar__slug=pillar)
    for day in month_ends(start, now.date()):
        at = min(history.day_end(day), now)
        annotations = history.past_annotations(at)
        status = annotations[f"past_{side}"] if side else annotations["past_status"]
        rows = (
            commitments.annotate(point_status=status, point_progress=annotations["past_progress"])
            .values("point_status")
            .annotate(n=Count("id"), progress=Sum("point_progress"))
        )
        counts = dict.fromkeys(Status.values, 0)
        total = progress = 0
        for row in rows:
            counts[row["point_status"]] = row["n"]
            total += row["n"]
            progress += row["progress"] or 0
        as_of = day.isoformat()
        points.append(
            {
                "month": day.strftime("%Y-%m"),
                "as_of": as_of,
                "commitments": total,
                "by_status": counts,
                "progress": round(progress / total) if total else 0,
                "link": list_link(as_of=as_of, pillar=pillar),
            }
        )
    return {"pillar": pillar, "side": side, "points": points}


def trend_cached(*, pillar: str | None = None, side: str | None = None) -> dict:
    """`trend`, computed again after any write (the dashboard's cache generation)."""
    now = timezone.now()
    key = f"trend:{now.date().isoformat()}:{pillar or '-'}:{side or '-'}"
    return cached(DASHBOARD, key, lambda: trend(pillar=pillar, side=side, now=now), CACHE_SECONDS)
