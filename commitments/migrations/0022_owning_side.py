"""Every milestone has an owning side, the one government that may change it (issue 23).

A milestone belongs to the side of the user who added it. Rows that still have no side get it
here, by the first rule that answers:

1. the side of the actor of the milestone's `created` event in the audit log;
2. the side of its national marking (`india_only`, `japan_only`): only that side could read it;
3. its commitment's lead side, when that is `india` or `japan`;
4. the side of its owner (the user it is assigned to), when they have one;
5. the side of its commitment's lead organisations, when they are all of one side;
6. else India: a joint commitment whose milestone nobody can be traced for is given to the
   side listed first in the declaration; an operator re-assigns it (a data fix) if wrong.

From then on every milestone carries a side (a constraint says so) and the services give a new
one its adder's side. Nothing is done backwards: a side filled in stays.
"""

from django.db import migrations, models
from django.db.models import Q

SIDES = ("india", "japan")
NATIONAL = {"india_only": "india", "japan_only": "japan"}
FALLBACK = "india"


def created_sides(apps, app_label: str, model: str) -> dict[str, str]:
    """Each object's side by its `created` event's actor, from the audit log."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind = ContentType.objects.filter(app_label=app_label, model=model).first()
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


def write(model, chosen: dict[int, str]) -> None:
    for side in SIDES:
        ids = [pk for pk, value in chosen.items() if value == side]
        for start in range(0, len(ids), 1000):
            model.objects.filter(pk__in=ids[start : start + 1000]).update(side=side)


def milestone_sides(apps, schema_editor) -> None:
    Milestone = apps.get_model("commitments", "Milestone")
    audited = created_sides(apps, "commitments", "milestone")
    chosen = {}
    rows = (
        Milestone.objects.exclude(side__in=SIDES)
        .select_related("commitment", "owner")
        .prefetch_related("commitment__lead_organisations")
    )
    for milestone in rows.iterator(chunk_size=1000):
        commitment = milestone.commitment
        owner_side = milestone.owner.side if milestone.owner_id else ""
        chosen[milestone.pk] = next(
            side
            for side in (
                audited.get(str(milestone.pk), ""),
                NATIONAL.get(milestone.marking, ""),
                commitment.lead_side,
                owner_side,
                one_side(commitment.lead_organisations.all()),
                FALLBACK,
            )
            if side in SIDES
        )
    write(Milestone, chosen)


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0021_notifications_to_own_app"),
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(milestone_sides, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="milestone",
            name="side",
            field=models.CharField(
                choices=[("india", "India"), ("japan", "Japan")],
                help_text="The government whose user added it, which alone may change it.",
                max_length=10,
                verbose_name="side",
            ),
        ),
        migrations.AddConstraint(
            model_name="milestone",
            constraint=models.CheckConstraint(
                condition=Q(side__in=["india", "japan"]), name="milestone_side_valid"
            ),
        ),
    ]
