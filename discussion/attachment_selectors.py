"""Attachments as a reader may read them."""

from .models import Attachment
from .targets import on


def attachment_list(reader):
    """Every attachment `reader` may read (the gate), with who attached it and the commitment
    it is on (its code names it)."""
    return Attachment.objects.visible_to(reader).select_related("created_by", "commitment")


def attachments_of(item, reader):
    """The attachments on `item` that `reader` may read, oldest first."""
    return attachment_list(reader).filter(**on(item)).order_by("created_at", "id")
