"""Reminders about dialogues, for the notifications app's reminder sweep: action items coming
due or overdue, and mechanisms whose cadence lapsed with no meeting planned. Registered as
reminder sources when the app is ready (`DialoguesConfig.ready`)."""

from django.urls import reverse

from notifications.choices import ReminderKind
from notifications.messages import Detail
from notifications.selectors import (
    Audience,
    Candidate,
    deadline_candidates,
    deadline_dates,
    policy,
)

from .choices import ActionItemState
from .models import ActionItem
from .selectors import mechanism_list


def action_item_reminders(audience: Audience) -> list[Candidate]:
    """Open action items due soon, due today, overdue, or to escalate."""
    rows = ActionItem.objects.filter(
        state=ActionItemState.OPEN, due_date__in=deadline_dates(audience)
    ).values(
        "id",
        "marking",
        "title",
        "due_date",
        "owner_id",
        "meeting_id",
        "commitment__code",
        "commitment__responsible_india_id",
        "commitment__responsible_japan_id",
        "meeting__mechanism__pillar_id",
    )

    def item(row: dict) -> tuple[str, str, str]:
        code = row["commitment__code"]
        return (
            f"action:{row['id']}",
            f"{code}: {row['title']}" if code else row["title"],
            reverse("meeting-detail", args=[row["meeting_id"]]),
        )

    return deadline_candidates(
        audience, rows, item=item, pillar_id=lambda row: row["meeting__mechanism__pillar_id"]
    )


def mechanism_reminders(audience: Audience) -> list[Candidate]:
    """Mechanisms whose next meeting was due before today and none is planned, to their leads."""
    every = policy()["repeat_every_days"]
    found = []
    for mechanism in mechanism_list(audience.day):
        due = mechanism.next_due(mechanism.last_held)
        if due is None or mechanism.next_planned or due >= audience.day:
            continue
        lapsed = (audience.day - due).days
        if lapsed % every != 1 % every:
            continue
        for lead in mechanism.leads.all():
            if audience.wants(lead.pk, ReminderKind.MECHANISM):
                found.append(
                    Candidate(
                        lead.pk,
                        audience.day,
                        ReminderKind.MECHANISM,
                        f"mechanism:{mechanism.slug}",
                        mechanism.name,
                        Detail("mechanism", {"due": due.isoformat()}),
                        reverse("dialogue-detail", args=[mechanism.slug]),
                    )
                )
    return found


def action_item_markings(ids: list[int]) -> dict[int, str]:
    """The markings of the action items reminders name (`action:<id>`)."""
    return dict(ActionItem.objects.filter(pk__in=ids).values_list("pk", "marking"))
