"""Every milestone, meeting and action item gets an owning side (commitments 0022 and dialogues
0008), on a populated database: the declaration loaded, rows of every kind written at the
previous head without a side, and the migration gives each the side its docstring's rules say
(the audit log's creator first, then its national marking, the commitment's lead side, the
owner, the lead organisations, the meeting; India last), keeps a side already set, and from
then on the database refuses a row without one."""

import json

import pytest
from django.db import connection

from tests import scratch

BEFORE = [("dialogues", "0007_reinforced_by"), ("commitments", "0021_notifications_to_own_app")]


def _sides(Model, names: dict) -> dict:
    return {name: Model.objects.get(pk=pk).side for name, pk in names.items()}


def migration_child() -> None:
    """The declaration loaded at the head, then back to the previous head: rows without a side
    (and one with), some with a `created` event in the audit log; forward again, and print
    each row's side and whether the database refuses a blank one."""
    from django.core.management import call_command

    from commitments.loading import declaration_data_read
    from declaration.loading import declaration_load

    call_command("migrate", verbosity=0)
    declaration_load(data=declaration_data_read())
    old = scratch.migrate_to(BEFORE)

    User = old.get_model("commitments", "User")
    Commitment = old.get_model("commitments", "Commitment")
    Organisation = old.get_model("commitments", "Organisation")
    Milestone = old.get_model("commitments", "Milestone")
    Mechanism = old.get_model("dialogues", "DialogueMechanism")
    Meeting = old.get_model("dialogues", "Meeting")
    ActionItem = old.get_model("dialogues", "ActionItem")
    AuditEvent = old.get_model("audit", "AuditEvent")
    ContentType = old.get_model("contenttypes", "ContentType")

    india = User.objects.create(username="in-analyst", side="india", password="!")
    japan = User.objects.create(username="jp-analyst", side="japan", password="!")
    operator = User.objects.create(username="operator", side="", password="!")
    japanese_body = Organisation.objects.filter(side="japan").first()
    indian_body = Organisation.objects.filter(side="india").first()

    def joint(code: str, *organisations):
        commitment = Commitment.objects.get(code=code)
        commitment.lead_side = "joint"
        commitment.save(update_fields=["lead_side"])
        commitment.lead_organisations.set(organisations)
        return commitment

    def created(item, actor) -> None:
        kind = ContentType.objects.get(app_label=item._meta.app_label, model=item._meta.model_name)
        AuditEvent.objects.create(
            actor=actor,
            action="created",
            content_type=kind,
            object_id=str(item.pk),
            object_repr="x",
            changes={},
        )

    both = joint("MAR-01", japanese_body, indian_body)
    japanese_led = Commitment.objects.get(code="MAR-02")
    japanese_led.lead_side = "japan"
    japanese_led.save(update_fields=["lead_side"])
    japanese_bodies = joint("MAR-03", japanese_body)

    def milestone(commitment, **fields):
        return Milestone.objects.create(
            commitment=commitment, title="Step", due_date="2027-01-01", **fields
        )

    milestones = {
        "audited": milestone(both),
        "audited_operator": milestone(japanese_led),
        "national": milestone(both, marking="india_only"),
        "lead_side": milestone(japanese_led),
        "owner": milestone(both, owner=japan),
        "organisations": milestone(japanese_bodies),
        "fallback": milestone(both),
        "kept": milestone(both, side="japan"),
    }
    created(milestones["audited"], japan)
    created(milestones["audited_operator"], operator)  # no side: the next rule answers
    created(milestones["kept"], india)

    japanese_led_mechanism, unled = Mechanism.objects.order_by("slug")[:2]
    japanese_led_mechanism.lead_organisations.set([japanese_body])
    unled.lead_organisations.set([])

    def meeting(mechanism, **fields):
        return Meeting.objects.create(mechanism=mechanism, date="2026-03-10", **fields)

    meetings = {
        "audited": meeting(unled),
        "national": meeting(unled, marking="japan_only"),
        "organisations": meeting(japanese_led_mechanism),
        "fallback": meeting(unled),
    }
    created(meetings["audited"], japan)

    def item(meeting, **fields):
        return ActionItem.objects.create(meeting=meeting, title="Follow up", **fields)

    items = {
        "audited": item(meetings["fallback"]),
        "national": item(meetings["organisations"], marking="india_only"),
        "commitment": item(meetings["fallback"], commitment=japanese_led),
        "owner": item(meetings["fallback"], owner=japan),
        "meeting": item(meetings["organisations"]),
        "fallback": item(meetings["fallback"], commitment=both),
    }
    created(items["audited"], japan)
    names = {
        "milestones": {name: row.pk for name, row in milestones.items()},
        "meetings": {name: row.pk for name, row in meetings.items()},
        "items": {name: row.pk for name, row in items.items()},
    }

    call_command("migrate", verbosity=0)

    from commitments.models import Milestone as CurrentMilestone
    from dialogues.models import ActionItem as CurrentActionItem
    from dialogues.models import Meeting as CurrentMeeting

    print(
        json.dumps(
            {
                "milestones": _sides(CurrentMilestone, names["milestones"]),
                "meetings": _sides(CurrentMeeting, names["meetings"]),
                "items": _sides(CurrentActionItem, names["items"]),
                "refused": [
                    scratch.refuses(f"UPDATE {table} SET side = ''")  # noqa: S608
                    for table in (
                        "commitments_milestone",
                        "dialogues_meeting",
                        "dialogues_actionitem",
                    )
                ],
            }
        )
    )


@pytest.mark.parametrize("database", ["postgresql"])
def test_every_item_gets_an_owning_side_by_the_rules_and_keeps_one(tmp_path, database):
    result = scratch.run_child(
        "tests.test_migration_owning_side.migration_child()",
        database=database,
        name=f"{connection.settings_dict['NAME']}_owning_side",
        tmp_path=tmp_path,
    )

    assert result["milestones"] == {
        "audited": "japan",  # the audit log's creator
        "audited_operator": "japan",  # a creator of no side: the commitment's lead side
        "national": "india",  # its national marking
        "lead_side": "japan",  # the commitment's lead side
        "owner": "japan",  # a joint commitment: the owner's side
        "organisations": "japan",  # its lead organisations, all Japanese
        "fallback": "india",  # nothing to go by: India
        "kept": "japan",  # a side already set stays
    }
    assert result["meetings"] == {
        "audited": "japan",
        "national": "japan",
        "organisations": "japan",
        "fallback": "india",
    }
    assert result["items"] == {
        "audited": "japan",
        "national": "india",
        "commitment": "japan",
        "owner": "japan",
        "meeting": "japan",
        "fallback": "india",
    }
    assert result["refused"] == [True, True, True]
