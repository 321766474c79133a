"""Reading reconciliations, for a reader: lists, one with the two sides' positions, and the
dashboard's counts. They are bilateral: the gate shows them to both sides' users only."""

import dataclasses
import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from access.choices import Side
from commitments.choices import Status
from commitments.models import StatusUpdate
from commitments.selectors import pending_changes
from commitments.services.proposals import terms_text

from .models import Reconciliation

STATES = ("open", "overdue", "closed", "all")


def reconciliation_list(
    reader, *, state: str = "open", pillar: str = "", today: datetime.date
) -> QuerySet[Reconciliation]:
    """The reconciliations `reader` may read: open (the default), overdue, closed or all; in a
    pillar (its slug) if given. Soonest due first; closed ones latest closed first."""
    found = Reconciliation.objects.visible_to(reader).select_related(
        "commitment", "commitment__pillar", "due_set_by"
    )
    if pillar:
        found = found.filter(commitment__pillar__slug=pillar)
    return in_state(found, state, today)


def in_state(found: QuerySet[Reconciliation], state: str, today: datetime.date):
    """Those open, overdue, closed or all (`STATES`), in the order their list shows them."""
    if state == "open":
        return found.open().order_by("due_on", "id")
    if state == "overdue":
        return found.overdue(today).order_by("due_on", "id")
    if state == "closed":
        return found.filter(closed_at__isnull=False).order_by("-closed_at", "-id")
    return found.order_by("closed_at", "due_on", "id")


def reconciliation_feed(reader) -> QuerySet[Reconciliation]:
    """Every reconciliation `reader` may read, open or closed (the change feed's)."""
    return Reconciliation.objects.visible_to(reader).select_related("commitment", "due_set_by")


def reconciliation_get(pk: int, reader) -> Reconciliation:
    found = (
        Reconciliation.objects.visible_to(reader)
        .select_related("commitment", "commitment__pillar", "due_set_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such reconciliation.")
    return found


def open_reconciliation(commitment, reader) -> Reconciliation | None:
    """The commitment's open reconciliation, if any and `reader` may read it."""
    return (
        Reconciliation.objects.visible_to(reader)
        .filter(commitment_id=commitment.pk, closed_at__isnull=True)
        .first()
    )


def counts_by_pillar(reader, today: datetime.date) -> dict[int, dict[str, int]]:
    """{pillar id: {"open": n, "overdue": n}} of the open reconciliations `reader` may read."""
    rows = (
        Reconciliation.objects.visible_to(reader)
        .open()
        .values("commitment__pillar_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    )
    return {
        row["commitment__pillar_id"]: {"open": row["open"], "overdue": row["overdue"]}
        for row in rows
    }


def open_for_commitments(commitment_ids, reader) -> list[Reconciliation]:
    """The open reconciliations of these commitments `reader` may read (a brief's section)."""
    return list(
        Reconciliation.objects.visible_to(reader)
        .open()
        .filter(commitment_id__in=list(commitment_ids))
        .select_related("commitment")
        .order_by("due_on", "commitment__code")
    )


@dataclasses.dataclass
class Position:
    """One side's position: its status, and its latest status update as the reader may read it
    (its note and evidence withheld outside their marking)."""

    side: str
    label: str
    status: str
    status_label: str
    update: StatusUpdate | None


def positions(reconciliation: Reconciliation, reader) -> list[Position]:
    commitment = reconciliation.commitment
    latest = {
        update.pk: update
        for update in StatusUpdate.objects.visible_to(reader)
        .filter(pk__in=[commitment.india_report_id, commitment.japan_report_id])
        .select_related("author")
    }
    found = []
    for side in Side.values:
        status = commitment.side_status(side)
        found.append(
            Position(
                side=side,
                label=Side(side).label,
                status=status,
                status_label=Status(status).label,
                update=latest.get(getattr(commitment, f"{side}_report_id")),
            )
        )
    return found


def pending_terms(reconciliation: Reconciliation) -> list[dict]:
    """The changes of shared terms awaiting an answer on its commitment: who proposed what."""
    return [
        {
            "id": change.pk,
            "side": change.proposed_by_side,
            "side_label": Side(change.proposed_by_side).label,
            "terms": terms_text(change),
            "proposed_at": change.proposed_at,
        }
        for change in pending_changes().filter(commitment_id=reconciliation.commitment_id)
    ]


def settled_lines(reconciliation: Reconciliation) -> list[dict]:
    """How each question was settled, in words of the reader's language, with when."""
    from django.utils.dateparse import parse_datetime
    from django.utils.translation import gettext as _

    lines = []
    for entry in reconciliation.settled:
        how = entry.get("how")
        by = Side(entry["by"]).label if entry.get("by") in Side.values else ""
        if entry.get("about") == "status":
            if how == "agreed":
                status = entry.get("status", "")
                status = Status(status).label if status in Status.values else status
                text = _("Statuses: the sides agreed; both report “%(status)s”.") % {
                    "status": status
                }
            elif how == "one_leads":
                text = _(
                    "Statuses: the commitment is no longer led jointly; its lead side's status "
                    "is the official one."
                )
            else:
                text = _("Statuses: settled by a change made outside the status updates.")
        else:
            text = {
                "confirmed": _("Shared terms: the other side confirmed the proposed change."),
                "declined": _("Shared terms: the other side declined the proposed change."),
                "withdrawn": _("Shared terms: the proposing side withdrew its proposal."),
            }.get(how) or _("Shared terms: settled by a change made outside the proposals.")
        lines.append({"text": text, "by": by, "at": parse_datetime(entry.get("at") or "")})
    return lines
