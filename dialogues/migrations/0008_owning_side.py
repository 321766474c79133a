"""Every meeting and action item has an owning side, the one government that may change it
(issue 23). Each belongs to the side of the user who recorded it. Rows that still have no side
get it here, by the first rule that answers.

A meeting:

1. the side of the actor of its `created` event in the audit log;
2. the side of its outcome's national marking (`india_only`, `japan_only`): only that side
   could write it;
3. the side of its mechanism's lead organisations, when they are all of one side;
4. else India: a joint dialogue's meeting nobody can be traced for is given to the side listed
   first in the declaration; an operator re-assigns it (a data fix) if wrong.

An action item:

1. the side of the actor of its `created` event in the audit log;
2. the side of its national marking;
3. the lead side of the commitment it advances, when that is `india` or `japan`;
4. the side of its owner (the user it is assigned to), when they have one;
5. else its meeting's side (filled first, above).

From then on every row carries a side (a constraint says so) and the services give a new one
its adder's side. Nothing is done backwards: a side filled in stays.
"""

from django.db import migrations, models
from django.db.models import Q

SIDES = ("india", "japan")
NATIONAL = {"india_only": "india", "japan_only": "japan"}
FALLBACK = "india"


def created_sides(apps, model: str) -> dict[str, str]:
    """Each object's side by its `created` event's actor, from the audit log."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind = ContentType.objects.filter(app_label="dialogues", model=model).first()
    if kind is None:
        return {}
    found: dict[str, str] = {}
    events = (
        AuditEvent.objects.filter(content_type=kind, action="created", actor__isnull=False)
        .order_by("at", "id")
        .values_list("object_id", "actor__side")
    )
    for object_id, side in events:
        if side in SIDES:
            found.setdefault(object_id, side)
    return found


def one_side(organisations) -> str:
    sides = {organisation.side for organisation in organisations} & set(SIDES)
    return sides.pop() if len(sides) == 1 else ""


def first_side(*candidates: str) -> str:
    return next(side for side in candidates if side in SIDES)


def write(model, chosen: dict[int, str]) -> None:
    for side in SIDES:
        ids = [pk for pk, value in chosen.items() if value == side]
        for start in range(0, len(ids), 1000):
            model.objects.filter(pk__in=ids[start : start + 1000]).update(side=side)


def meeting_sides(apps, schema_editor) -> None:
    Meeting = apps.get_model("dialogues", "Meeting")
    audited = created_sides(apps, "meeting")
    rows = (
        Meeting.objects.exclude(side__in=SIDES)
        .select_related("mechanism")
        .prefetch_related("mechanism__lead_organisations")
    )
    chosen = {
        meeting.pk: first_side(
            audited.get(str(meeting.pk), ""),
            NATIONAL.get(meeting.marking, ""),
            one_side(meeting.mechanism.lead_organisations.all()),
            FALLBACK,
        )
        for meeting in rows.iterator(chunk_size=1000)
    }
    write(Meeting, chosen)


def action_item_sides(apps, schema_editor) -> None:
    ActionItem = apps.get_model("dialogues", "ActionItem")
    audited = created_sides(apps, "actionitem")
    rows = ActionItem.objects.exclude(side__in=SIDES).select_related(
        "commitment", "owner", "meeting"
    )
    chosen = {
        item.pk: first_side(
            audited.get(str(item.pk), ""),
            NATIONAL.get(item.marking, ""),
            item.commitment.lead_side if item.commitment_id else "",
            item.owner.side if item.owner_id else "",
            item.meeting.side,
            FALLBACK,
        )
        for item in rows.iterator(chunk_size=1000)
    }
    write(ActionItem, chosen)


def side_field(help_text: str) -> models.CharField:
    return models.CharField(
        choices=[("india", "India"), ("japan", "Japan")],
        help_text=help_text,
        max_length=10,
        verbose_name="side",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dialogues", "0007_reinforced_by"),
        ("commitments", "0022_owning_side"),
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(meeting_sides, migrations.RunPython.noop),
        migrations.RunPython(action_item_sides, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="meeting",
            name="side",
            field=side_field("The government whose user recorded it, which alone may change it."),
        ),
        migrations.AlterField(
            model_name="actionitem",
            name="side",
            field=side_field("The government whose user added it, which alone may change it."),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=Q(side__in=["india", "japan"]), name="meeting_side_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="actionitem",
            constraint=models.CheckConstraint(
                condition=Q(side__in=["india", "japan"]), name="actionitem_side_valid"
            ),
        ),
    ]
