"""Reminders of open reconciliations, for the notifications app's sweep: as the due date nears
(the recipient's lead days), on the day, and once it has passed (every few days), to both sides:
the commitment's responsible user of each side (else that side's analysts of the pillar) and
the pillar's managers of both sides. Keyed `reconciliation:<id>`; a reconciliation is
bilateral, and the sweep and the pages check each recipient may read it."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.urls import reverse

from access import visibility
from access.choices import Role, Side
from notifications.choices import ReminderKind
from notifications.messages import Detail
from notifications.selectors import Audience, Candidate, deadline_dates, policy

from .models import Reconciliation


def _staff_by_pillar(audience: Audience, pillar_ids) -> dict:
    """(pillar, side, role) → the audience's users with that role there."""
    found = defaultdict(set)
    assignments = (
        get_user_model()
        .pillars.through.objects.filter(
            user_id__in=list(audience.users),
            pillar_id__in=list(pillar_ids),
            user__groups__name__in=[Role.ANALYST, Role.MANAGER],
        )
        .values_list("pillar_id", "user_id", "user__side", "user__groups__name")
    )
    for pillar_id, user_id, side, role in assignments:
        found[pillar_id, side, role].add(user_id)
    return found


def _recipients(row: dict, staff: dict) -> set[int]:
    pillar = row["commitment__pillar_id"]
    recipients = set()
    for side in Side.values:
        responsible = row[f"commitment__responsible_{side}_id"]
        if responsible is not None:
            recipients.add(responsible)
        else:
            recipients |= staff[pillar, side, Role.ANALYST]
        recipients |= staff[pillar, side, Role.MANAGER]
    return recipients


def reconciliation_reminders(audience: Audience) -> list[Candidate]:
    """Open reconciliations due soon, due today or overdue."""
    rows = list(
        Reconciliation.objects.filter(
            closed_at__isnull=True, due_on__in=deadline_dates(audience)
        ).values(
            "id",
            "marking",
            "due_on",
            "commitment__code",
            "commitment__title",
            "commitment__pillar_id",
            "commitment__responsible_india_id",
            "commitment__responsible_japan_id",
        )
    )
    if not rows:
        return []
    every = policy()["overdue_every_days"]
    staff = _staff_by_pillar(audience, {row["commitment__pillar_id"] for row in rows})
    found = []
    for row in rows:
        days_left = (row["due_on"] - audience.day).days
        due = row["due_on"].isoformat()
        for recipient in sorted(_recipients(row, staff)):
            if days_left == 0:
                kind, detail = ReminderKind.DUE_TODAY, Detail("recon_due_today", {})
            elif days_left > 0 and days_left in audience.lead_days(recipient):
                kind = ReminderKind.DUE_SOON
                detail = Detail("recon_due_in", {"due": due, "days": days_left})
            elif days_left < 0 and (-days_left - 1) % every == 0:
                kind = ReminderKind.OVERDUE
                detail = Detail("recon_overdue", {"due": due, "days": -days_left})
            else:
                continue
            if audience.wants(recipient, kind) and visibility.may_read(
                audience.users[recipient], row["marking"]
            ):
                found.append(
                    Candidate(
                        recipient,
                        audience.day,
                        kind,
                        f"reconciliation:{row['id']}",
                        f"{row['commitment__code']}: {row['commitment__title']}",
                        detail,
                        reverse("reconciliation-detail", args=[row["id"]]),
                    )
                )
    return found


def reconciliation_markings(ids) -> dict[int, str]:
    return dict(Reconciliation.objects.filter(pk__in=ids).values_list("pk", "marking"))
