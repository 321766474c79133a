"""Attachments: added by an analyst or a manager of a side to an item they read, changed
(title, marking) and removed by their side only.

An upload is checked before anything is stored: its size (TRACKER_ATTACHMENT_MAX_BYTES), its
type read from its content (`attachment_types`), its marking (the uploader may give it, and it
is no wider than the item it is on), and, when TRACKER_CLAMD_SOCKET is set, clamd's scan. The
file is stored under a random name and its row written in one transaction: if the row cannot be
written the stored file is deleted, so no file is kept without its row.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access import permissions, visibility
from access.markings import copies_follow
from audit.recording import acting_as, record
from declaration_tracker.core.events import emit
from declaration_tracker.core.versioning import lock_for_write, versioned_save

from . import attachment_types, events, targets, virus_scan
from .models import Attachment, AttachmentState
from .storage import attachment_storage


class AttachmentTooLarge(Exception):
    """The file is larger than attachments may be (a 413)."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(too_large_message(limit))


def too_large_message(limit: int | None = None) -> str:
    limit = settings.TRACKER_ATTACHMENT_MAX_BYTES if limit is None else limit
    return _("The file is larger than the %(limit)s attachments may be: it was not stored.") % {
        "limit": size_label(limit)
    }


def size_label(size: int) -> str:
    """A size in words a reader takes in: bytes, KB or MB (decimal)."""
    if size < 1000:
        return _("%(n)s bytes") % {"n": size}
    if size < 1000 * 1000:
        return _("%(n)s KB") % {"n": f"{size / 1000:.1f}".removesuffix(".0")}
    return _("%(n)s MB") % {"n": f"{size / 1000 / 1000:.1f}".removesuffix(".0")}


def refusal_message(kind: str) -> str:
    messages = {
        "markup": _(
            "This file is a web page or an SVG image (read from its content, whatever its "
            "name): such files can run scripts in a browser and cannot be attached. Attach a "
            "PDF instead."
        ),
        "executable": _(
            "This file is a program (read from its content, whatever its name) and cannot be "
            "attached."
        ),
        "macros": _(
            "Office documents with macros cannot be attached. Save it without macros (.docx, "
            ".xlsx, .pptx) or as a PDF."
        ),
        "empty": _("The file is empty."),
    }
    return messages.get(
        kind,
        _(
            "This type of file cannot be attached (read from its content, whatever its name). "
            "Attach a PDF, an image (PNG, JPEG, GIF, WebP), a Word, Excel or PowerPoint "
            "document, or plain text."
        ),
    )


def infected_message() -> str:
    return _(
        "The virus scan found this file infected: it is quarantined and nobody can download "
        "it. Tell your IT security team."
    )


def check_upload(upload) -> str:
    """The content type of an acceptable upload; else AttachmentTooLarge, or a 400 on `file`."""
    if upload is None:
        raise ValidationError({"file": _("Choose a file to attach.")})
    limit = settings.TRACKER_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise AttachmentTooLarge(limit)
    try:
        return attachment_types.content_type_of(upload)
    except attachment_types.RefusedType as refused:
        raise ValidationError({"file": refusal_message(refused.kind)}) from None


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _clean_title(title: str, upload) -> str:
    title = (title or "").strip() or (upload.name or "").strip()[:200]
    if not title:
        raise ValidationError({"title": _("Give the attachment a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("A title has 200 characters at most.")})
    return title


def require_may_attach(actor) -> None:
    permissions.require_not_operator(actor)
    permissions.require(
        permissions.can_discuss(actor),
        _("Only the analysts and managers of a side may attach documents."),
    )


@acting_as("actor")
def attachment_add(*, target, actor, upload, title: str = "", marking: str = "") -> Attachment:
    """Attach `upload` to `target` (an item `actor` reads) under `marking` (the item's default
    if none). Returns the attachment: quarantined (not downloadable) if clamd found it
    infected."""
    require_may_attach(actor)
    targets.target_again(target, actor)  # 404 if not theirs
    marking = marking or targets.default_marking(target)
    visibility.marking_check(actor, marking, current=None, origin=permissions.own_side(actor))
    targets.marking_within_check(target, marking)
    content_type = check_upload(upload)
    title = _clean_title(title, upload)
    infected = None
    if virus_scan.scanning():
        try:
            infected = virus_scan.scan(upload)
        except virus_scan.ScanUnavailable:
            raise ValidationError(
                {
                    "file": _(
                        "The virus scan could not be run, so the file was not stored. Try "
                        "again later."
                    )
                }
            ) from None
    attachment = Attachment(
        **targets.on(target),
        side=permissions.own_side(actor),
        created_by=actor,
        title=title,
        original_name=(upload.name or "")[-255:],
        marking=marking,
        size=upload.size,
        content_type=content_type,
        sha256=_sha256(upload),
        state=AttachmentState.QUARANTINED if infected else AttachmentState.STORED,
        scan_result=infected or "",
    )
    upload.seek(0)
    name = attachment_storage.save(attachment.file.field.generate_filename(attachment, ""), upload)
    attachment.file.name = name
    upload.seek(0)
    try:
        with transaction.atomic():
            versioned_save(attachment)
            emit(events.attachment_added(attachment, actor))
    except BaseException:
        attachment_storage.delete(name)  # no file without its row
        raise
    return attachment


def require_change(actor, attachment: Attachment) -> None:
    require_may_attach(actor)
    permissions.require(
        permissions.acts_for(actor, attachment.side),
        _("Only the side that attached a document may change or remove it."),
    )


@acting_as("actor")
def attachment_update(
    *, attachment: Attachment, actor, expected_version: int | None, **changes
) -> Attachment:
    """Change an attachment's title or marking (its side's analysts and managers)."""
    unknown = set(changes) - {"title", "marking"}
    if unknown:
        raise ValidationError({field: _("This field cannot be changed.") for field in unknown})
    require_change(actor, attachment)
    with transaction.atomic():
        locked = lock_for_write(attachment, expected_version)
        if "title" in changes:
            title = (changes["title"] or "").strip()
            if not title:
                raise ValidationError({"title": _("Give the attachment a title.")})
            locked.title = title
        if "marking" in changes and changes["marking"] != locked.marking:
            marking = changes["marking"]
            visibility.marking_check(actor, marking, current=locked.marking, origin=locked.side)
            targets.marking_within_check(locked.target, marking)
            locked.marking = marking
            versioned_save(locked)
            copies_follow(locked)  # its earlier audit events follow it
        else:
            versioned_save(locked)
    return locked


@acting_as("actor")
def attachment_remove(*, attachment: Attachment, actor, expected_version: int | None) -> None:
    """Remove an attachment and its file (its side's analysts and managers)."""
    require_change(actor, attachment)
    with transaction.atomic():
        locked = lock_for_write(attachment, expected_version)
        name = locked.file.name
        locked.delete()
        transaction.on_commit(lambda: attachment_storage.delete(name))


@acting_as("reader")
def attachment_downloaded(*, attachment: Attachment, reader) -> None:
    """Record who downloaded the attachment, when (the audit event follows its marking)."""
    record(attachment, {"downloaded": [None, reader.get_username()]})
