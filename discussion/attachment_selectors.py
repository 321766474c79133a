"""Attachments as a reader may read them."""

from django.db.models import Q

from .models import Attachment
from .targets import on


def attachment_list(reader):
    """Every attachment `reader` may read (the gate), with who attached it and the commitment
    it is on (its code names it)."""
    return Attachment.objects.visible_to(reader).select_related("created_by", "commitment")


def attachments_of(item, reader):
    """The attachments on `item` that `reader` may read, oldest first."""
    return attachment_list(reader).filter(**on(item)).order_by("created_at", "id")


def attachments_of_commitment(commitment, reader):
    """The attachments `reader` may read on `commitment` and on its milestones, oldest first."""
    on_it = Q(commitment=commitment) | Q(milestone__commitment=commitment)
    return attachment_list(reader).filter(on_it).order_by("created_at", "id")
