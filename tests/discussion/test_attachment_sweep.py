"""The attachments' storage swept (issue 26): stored files no attachment names are deleted once
older than an hour (an upload in flight is kept), rows whose file is missing are reported; by a
management command and by a Celery task that beat sends daily, idempotent. With the file
system's storage."""

import datetime
import importlib
import os
import time

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from declaration_tracker.celery import app
from discussion.attachment_services import attachment_add
from discussion.attachment_sweep import attachment_files_sweep
from discussion.models import Attachment
from discussion.storage import attachment_storage
from discussion.tasks import attachment_files_sweep_task
from tests.commitments.test_reminder_delivery import celery_worker, wait_until
from tests.factories import analyst, commitment
from tests.services_private import stop_process

pytestmark = pytest.mark.usefixtures("loaded")

ORPHAN = "2026/01/" + "a" * 32
YOUNG = "2026/01/" + "b" * 32
FOREIGN = "notes/README.txt"  # not a name the tracker gives: never the sweep's to delete


def stored(name: str, *, hours_old: float) -> str:
    """A file in the attachments' storage, last changed `hours_old` hours ago."""
    saved = attachment_storage.save(name, ContentFile(b"left behind"))
    assert saved == name
    then = time.time() - hours_old * 3600
    os.utime(attachment_storage.path(name), (then, then))
    return name


def attach(title="Minutes"):
    return attachment_add(
        target=commitment("MAR-01"),
        actor=analyst("maritime", side="india"),
        upload=SimpleUploadedFile("minutes.txt", b"Agreed.\n", content_type="text/plain"),
        title=title,
    )


def test_old_files_without_a_row_go_young_ones_and_others_stay_missing_ones_are_reported(
    attachment_root,
):
    kept = attach()
    lost = attach("Lost")
    attachment_storage.delete(lost.file.name)
    for name, hours in ((ORPHAN, 2), (YOUNG, 0.5), (FOREIGN, 48)):
        stored(name, hours_old=hours)

    swept = attachment_files_sweep()

    assert swept.deleted == [ORPHAN] and swept.too_young == [YOUNG]
    assert swept.missing == [lost.pk]
    assert not attachment_storage.exists(ORPHAN)
    assert attachment_storage.exists(YOUNG) and attachment_storage.exists(FOREIGN)
    assert attachment_storage.exists(kept.file.name)
    # Idempotent: nothing more to delete, the same row reported.
    again = attachment_files_sweep()
    assert again.deleted == [] and again.missing == [lost.pk]
    # An hour later the young one is an orphan too.
    later = attachment_files_sweep(now=timezone.now() + datetime.timedelta(hours=1))
    assert later.deleted == [YOUNG]


def test_a_file_left_by_a_rolled_back_upload_is_swept_once_an_hour_old(attachment_root):
    with pytest.raises(RuntimeError), transaction.atomic():
        left = attach("Rolled back").file.name
        raise RuntimeError("a later failure in the same request")
    assert not Attachment.objects.exists() and attachment_storage.exists(left)

    assert attachment_files_sweep().deleted == []  # an upload in flight looks the same
    an_hour_on = timezone.now() + datetime.timedelta(hours=1, minutes=1)
    assert attachment_files_sweep(now=an_hour_on).deleted == [left]
    assert not attachment_storage.exists(left)


def test_the_command_says_what_it_deleted_and_fails_on_a_missing_file(attachment_root, capsys):
    stored(ORPHAN, hours_old=3)
    call_command("attachment_files_sweep")
    said = capsys.readouterr().out
    assert f"Deleted {ORPHAN}" in said and "1 file(s) deleted, 0 attachment(s)" in said

    lost = attach("Lost")
    attachment_storage.delete(lost.file.name)
    with pytest.raises(CommandError, match="1 attachment"):
        call_command("attachment_files_sweep")
    assert f"Attachment {lost.pk}: its file is missing" in capsys.readouterr().err


def test_beat_sends_the_sweep_daily():
    """The migration's schedule (run again here: a transactional test elsewhere may have
    emptied the tables since the test database was migrated), idempotent."""
    schedule = importlib.import_module(
        "discussion.migrations.0005_attachment_files_sweep_schedule"
    ).schedule
    schedule(django_apps, None)
    schedule(django_apps, None)

    task = PeriodicTask.objects.get(task="discussion.attachment_files_sweep")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "days")
    assert task.name == "Attachments' storage sweep"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sweeps_the_storage(attachment_root, tmp_path):
    kept = attach()
    stored(ORPHAN, hours_old=2)
    log_path = tmp_path / "worker.log"
    app.control.purge()
    worker = celery_worker(log_path, "sweep-test", TRACKER_ATTACHMENT_ROOT=str(attachment_root))
    try:
        attachment_files_sweep_task.delay()
        wait_until(
            lambda: not attachment_storage.exists(ORPHAN),
            timeout=60,
            what="the orphan swept by the worker",
            log_path=log_path,
        )
    finally:
        stop_process(worker)
    assert attachment_storage.exists(kept.file.name)
