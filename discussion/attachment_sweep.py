"""The attachments' storage swept: files without their row deleted, rows without their file
reported.

A file is stored before its row is written (`attachment_services.attachment_add`), and deleted if
the row cannot be; but if the request's transaction is rolled back after the service returned (a
later failure in the same request, a worker killed mid-request), the file stays without a row.
The sweep deletes such files once they are older than `GRACE` (an hour), so an upload in flight,
whose row is not committed yet, is never touched. Only names the tracker gives files
(`models.attachments.stored_name`: `2026/03/<32 hex digits>`) are considered: anything else in
the storage is not the tracker's to delete. A row whose file is missing from the storage cannot
be mended by the tracker (its download is a 404 saying so); the sweep reports it, for whoever
runs the storage to restore the file from a backup.

Idempotent: run again, it deletes nothing more and reports the same rows.
"""

import dataclasses
import datetime
import logging
import posixpath
import re
from collections.abc import Iterator

from django.utils import timezone

from access.visibility import system_reads

from .models import Attachment
from .storage import attachment_storage

log = logging.getLogger(__name__)

GRACE = datetime.timedelta(hours=1)
STORED_NAME = re.compile(r"[0-9]{4}/[0-9]{2}/[0-9a-f]{32}")


@dataclasses.dataclass
class Swept:
    """What a sweep did: the files it deleted, the files without a row it left for being
    younger than the grace period, and the attachments (ids) whose file is missing."""

    deleted: list[str]
    too_young: list[str]
    missing: list[int]


def stored_names(storage, directory: str = "") -> Iterator[str]:
    """Every file's name in `storage` below `directory`."""
    directories, files = storage.listdir(directory)
    for name in files:
        yield posixpath.join(directory, name)
    for child in directories:
        yield from stored_names(storage, posixpath.join(directory, child))


def attachment_files_sweep(
    *, now: datetime.datetime | None = None, grace: datetime.timedelta = GRACE
) -> Swept:
    """Delete the stored files no attachment names, older than `grace`; report the attachments
    whose file is missing."""
    now = now or timezone.now()
    storage = attachment_storage
    with system_reads("the attachments' storage sweep"):
        rows = dict(Attachment.objects.values_list("file", "id"))
    swept = Swept(deleted=[], too_young=[], missing=[])
    for name in stored_names(storage):
        if name in rows or not STORED_NAME.fullmatch(name):
            continue
        if storage.get_modified_time(name) > now - grace:
            swept.too_young.append(name)
            continue
        storage.delete(name)
        swept.deleted.append(name)
        log.info("Deleted the stored file %s: no attachment names it.", name)
    # The rows were read before the listing: a row written since names a file young enough to
    # be kept; a row removed since (its file deleted once it was) is not reported missing.
    gone = [pk for name, pk in rows.items() if not storage.exists(name)]
    with system_reads("the attachments' storage sweep"):
        swept.missing = sorted(Attachment.objects.filter(pk__in=gone).values_list("id", flat=True))
    for pk in swept.missing:
        log.warning("The file of attachment %s is missing from the storage.", pk)
    return swept
