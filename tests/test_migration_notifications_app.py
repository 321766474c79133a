"""The move of the reminders' models from `commitments` to the `notifications` app (commitments
0021 and notifications 0001), from the previous head on a populated database: state only, so
every preference, digest and reminder stays where it was, still unique where it was, their
content types (and the permission a group holds on one) follow the models, and the models read
the rows in their new app."""

import json

import pytest
from django.db import connection

from tests import scratch

BEFORE = [
    ("commitments", "0020_auditevent_to_audit_app"),
    ("audit", "0001_initial"),
    ("webhooks", "0001_initial"),
    ("reports", "0001_initial"),
    ("calendar_feed", "0001_initial"),
    ("dialogues", "0007_reinforced_by"),
]
MOVED = ["reminderpreference", "digest", "reminder"]
COLUMNS = (
    "recipient_id, digest_id, day, kind, item_key, title, detail, detail_message, detail_params, "
    "path, created_at"
)


def _rows() -> dict:
    found = {}
    with connection.cursor() as cursor:
        for model in MOVED:
            cursor.execute(f"SELECT * FROM commitments_{model} ORDER BY id")  # noqa: S608
            names = [column[0] for column in cursor.description]
            # By column name: a later migration that rebuilds a SQLite table (a changed
            # constraint) may put its columns in another order, the rows staying the same.
            found[model] = [
                [str(value) for _name, value in sorted(zip(names, row, strict=True))]
                for row in cursor.fetchall()
            ]
    return found


def _labels() -> list:
    from django.contrib.contenttypes.models import ContentType

    return sorted(
        ContentType.objects.filter(model__in=MOVED).values_list("model", "pk", "app_label")
    )


def migration_child() -> None:
    """At the previous head: a user, their reminder preferences, a digest, a reminder on it and
    a group holding the permission to view reminders; migrate forward and print what the
    current models read."""
    from django.core.management import call_command

    old = scratch.migrate_to(BEFORE)
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    user = old.get_model("commitments", "User").objects.create(
        username="analyst", side="india", password="!"
    )
    old.get_model("commitments", "ReminderPreference").objects.create(
        user=user, muted_kinds=["stale"], lead_days=[10, 3], email=False
    )
    digest = old.get_model("commitments", "Digest").objects.create(
        recipient=user, day="2026-03-02", state="pending", attempts=1, note="delivery failed"
    )
    old.get_model("commitments", "Reminder").objects.create(
        recipient=user,
        digest=digest,
        day="2026-03-02",
        kind="due_soon",
        item_key="milestone:12",
        title="MAR-01: Joint exercise",
        detail="due 9 Mar 2026, in 7 days",
        detail_message="due_in",
        detail_params={"due": "2026-03-09", "days": 7},
        path="/commitments/MAR-01/",
    )
    reminders = ContentType.objects.get(app_label="commitments", model="reminder")
    group = old.get_model("auth", "Group").objects.create(name="Reminder readers")
    group.permissions.add(Permission.objects.get(content_type=reminders, codename="view_reminder"))
    before = {"rows": _rows(), "labels": _labels()}

    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import Group, Permission

    from notifications.models import Reminder

    read = Reminder.objects.select_related("digest", "recipient__reminder_preference").get()
    preference = read.recipient.reminder_preference
    print(
        json.dumps(
            {
                "before": before,
                "after": {"rows": _rows(), "labels": _labels()},
                "read": [
                    read.recipient.username,
                    read.kind,
                    read.item_key,
                    read.detail_params,
                    read.digest.state,
                    read.digest.note,
                    preference.muted_kinds,
                    preference.lead_days,
                    preference.email,
                ],
                "group": sorted(
                    Group.objects.get(name="Reminder readers").permissions.values_list(
                        "content_type__app_label", "codename"
                    )
                ),
                "permissions": Permission.objects.filter(codename="view_reminder").count(),
                "refused": scratch.refuses(
                    f"INSERT INTO commitments_reminder ({COLUMNS}) "  # noqa: S608
                    f"SELECT {COLUMNS} FROM commitments_reminder"
                ),
            }
        )
    )


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_the_reminders_move_to_their_app_and_every_row_stays(tmp_path, database):
    result = scratch.run_child(
        "tests.test_migration_notifications_app.migration_child()",
        database=database,
        name=f"{connection.settings_dict['NAME']}_notifications_app",
        tmp_path=tmp_path,
    )

    assert [len(result["before"]["rows"][model]) for model in MOVED] == [1, 1, 1]
    assert result["after"]["rows"] == result["before"]["rows"]
    before = result["before"]["labels"]
    assert [label for _model, _pk, label in before] == ["commitments"] * 3
    assert result["after"]["labels"] == [
        [model, pk, "notifications"] for model, pk, _label in before
    ], "renamed, not made anew"
    assert result["read"] == [
        "analyst",
        "due_soon",
        "milestone:12",
        {"due": "2026-03-09", "days": 7},
        "pending",
        "delivery failed",
        ["stale"],
        [10, 3],
        False,
    ]
    assert result["group"] == [["notifications", "view_reminder"]]
    assert result["permissions"] == 1
    assert result["refused"], "a reminder is still claimed once (its unique key stays)"
