"""The move of the webhooks', report jobs' and calendar feeds' models from `commitments` to their
apps (commitments 0019 and each app's 0001), from the previous head on a populated database:
state only, so every row stays where it was, the content types (and the permissions a group
holds on them) follow the models, and the models read the rows in their new apps."""

import json

import pytest
from django.db import connection

from tests import scratch

BEFORE = [("commitments", "0018_copies_follow_markings"), ("dialogues", "0007_reinforced_by")]
MOVED = {
    "webhooks": ["webhooksubscription", "webhookevent", "webhookdelivery"],
    "reports": ["reportjob"],
    "calendar_feed": ["calendarfeedtoken"],
}
TABLES = [f"commitments_{model}" for models in MOVED.values() for model in models]


def _counts() -> dict:
    with connection.cursor() as cursor:
        counts = {}
        for table in [*TABLES, "commitments_user", "auth_group_permissions"]:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own names
            counts[table] = cursor.fetchone()[0]
    return counts


def _labels() -> dict:
    from django.contrib.contenttypes.models import ContentType

    models = [model for names in MOVED.values() for model in names]
    return dict(
        ContentType.objects.filter(model__in=models).values_list("model", "app_label").order_by()
    )


def migration_child() -> None:
    """At the previous head: a user, a subscription with an event and its delivery, a report
    job, a calendar token and a group holding a permission on subscriptions; migrate forward
    and print what the current models read."""
    from django.apps import apps as current
    from django.core.management import call_command

    old = scratch.migrate_to(BEFORE)
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    user = old.get_model("commitments", "User").objects.create(
        username="manager", side="india", password="!"
    )
    subscription = old.get_model("commitments", "WebhookSubscription").objects.create(
        url="https://example.org/hook",
        events=["commitment.changed"],
        reader=user,
        created_by=user,
        secret="whsec_x",
        description="Ministry",
    )
    event = old.get_model("commitments", "WebhookEvent").objects.create(
        subscription=subscription,
        type="commitment.changed",
        object_label="commitments.commitment",
        object_pk="1",
        change={"fields": ["title"]},
        state="delivered",
        attempts=1,
    )
    old.get_model("commitments", "WebhookDelivery").objects.create(
        event=event, response_status=204, duration_ms=12
    )
    job = old.get_model("commitments", "ReportJob").objects.create(
        requested_by=user, kind="summit", language="ja", progress=40
    )
    old.get_model("commitments", "CalendarFeedToken").objects.create(user=user, key="k" * 43)
    subscriptions = ContentType.objects.get(app_label="commitments", model="webhooksubscription")
    group = old.get_model("auth", "Group").objects.create(name="Webhook keepers")
    group.permissions.add(
        Permission.objects.get(content_type=subscriptions, codename="view_webhooksubscription")
    )
    before = {"counts": _counts(), "labels": _labels()}

    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import Group

    from calendar_feed.models import CalendarFeedToken
    from commitments.models import User
    from reports.models import ReportJob
    from webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription

    read = User.objects.get(username="manager")
    print(
        json.dumps(
            {
                "before": before,
                "after": {"counts": _counts(), "labels": _labels()},
                "subscription": [
                    str(read.webhook_subscriptions.get()),
                    WebhookSubscription.objects.get().secret,
                ],
                "event": [
                    str(WebhookEvent.objects.get().pk) == str(event.pk),
                    WebhookEvent.objects.get().subscription_id == subscription.pk,
                    WebhookDelivery.objects.get().event.change,
                ],
                "job": [
                    str(ReportJob.objects.get().pk) == str(job.pk),
                    read.report_jobs.get().kind,
                ],
                "token": CalendarFeedToken.objects.get(user=read).key,
                "group": sorted(
                    Group.objects.get(name="Webhook keepers").permissions.values_list(
                        "content_type__app_label", "codename"
                    )
                ),
                "same_type": subscriptions.pk
                == current.get_model("contenttypes", "ContentType")
                .objects.get_for_model(WebhookSubscription)
                .pk,
            }
        )
    )


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_the_models_move_to_their_apps_and_every_row_stays(tmp_path, database):
    result = scratch.run_child(
        "tests.test_migration_feature_apps.migration_child()",
        database=database,
        name=f"{connection.settings_dict['NAME']}_feature_apps",
        tmp_path=tmp_path,
    )

    assert result["after"]["counts"] == result["before"]["counts"]
    assert result["before"]["counts"]["commitments_webhookdelivery"] == 1
    assert set(result["before"]["labels"].values()) == {"commitments"}
    assert result["after"]["labels"] == {
        model: app for app, models in MOVED.items() for model in models
    }
    assert result["subscription"] == ["Ministry", "whsec_x"]
    assert result["event"] == [True, True, {"fields": ["title"]}]
    assert result["job"] == [True, "summit"]
    assert result["token"] == "k" * 43
    assert result["group"] == [["webhooks", "view_webhooksubscription"]]
    assert result["same_type"], "the content type row is renamed, not made anew"
