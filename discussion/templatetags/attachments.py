"""`{% attachments_panel item %}`: an item's attachments and the upload form, on its page;
`{% evidence_choices commitment %}` and `{% evidence_link status_update %}`: an attachment as a
status update's evidence (`discussion.evidence`)."""

from django import template
from django.conf import settings

from access import permissions

from .. import targets
from ..attachment_forms import AttachmentForm
from ..attachment_selectors import attachments_of, attachments_of_commitment
from ..evidence import attachment_id, download_path

register = template.Library()


def panel_context(item, user, form=None, error_status=None) -> dict:
    kind = targets.target_kind(item)
    ref = targets.ref_of(item)
    may_attach = permissions.can_discuss(user)
    if form is None and may_attach:
        form = AttachmentForm(
            initial={"marking": targets.default_marking(item)},
            auto_id=f"id_attach_{kind}_{item.pk}_%s",
        )
    return {
        "item": item,
        "kind": kind,
        "ref": ref,
        "panel_id": f"attachments-{kind}-{item.pk}",
        "attachments": list(attachments_of(item, user)),
        "form": form if may_attach else None,
        "may_attach": may_attach,
        "user_side": permissions.own_side(user),
        "max_bytes": settings.TRACKER_ATTACHMENT_MAX_BYTES,
        "upload_url": upload_url(kind, item),
        "error_status": error_status,
    }


def upload_url(kind: str, item) -> str:
    from django.urls import reverse

    if kind == "commitment":
        return reverse("commitment-attachments", args=[item.code])
    if kind == "milestone":
        return reverse("milestone-attachments", args=[item.commitment.code, item.pk])
    if kind == "meeting":
        return reverse("meeting-attachments", args=[item.pk])
    if kind == "reconciliation":
        return reverse("reconciliation-attachments", args=[item.pk])
    return reverse("action-item-attachments", args=[item.pk])


@register.inclusion_tag("discussion/includes/attachments.html", takes_context=True)
def attachments_panel(context, item):
    request = context["request"]
    return panel_context(item, request.user) | {"csrf_token": context.get("csrf_token")}


@register.filter
def file_size(size: int) -> str:
    from ..attachment_services import size_label

    return size_label(size)


@register.inclusion_tag("discussion/includes/evidence_choices.html", takes_context=True)
def evidence_choices(context, commitment, list_id: str):
    """The attachments of `commitment` (and its milestones) the page's reader may read and
    download, offered as the evidence of a status update: a datalist for the evidence field."""
    readable = _readable_of(context["request"], commitment.pk)
    return {
        "list_id": list_id,
        "choices": [
            (download_path(attachment.pk), attachment)
            for attachment in readable.values()
            if attachment.downloadable
        ],
    }


@register.inclusion_tag("discussion/includes/evidence_link.html", takes_context=True)
def evidence_link(context, status_update):
    """A status update's evidence in the trail: a web link, or an attachment by its title to
    who may read it ("an attachment", without title or link, to anyone else)."""
    link = getattr(status_update, "evidence_url", "") or ""
    pk = attachment_id(link) if link else None
    if pk is None:
        return {"link": link}
    readable = _readable_of(context["request"], status_update.commitment_id)
    return {"link": download_path(pk), "attachment": readable.get(pk), "is_attachment": True}


def _readable_of(request, commitment_id: int) -> dict:
    """The attachments of a commitment (and its milestones) the request's user may read, by id:
    read once for a page however many status updates cite them (evidence is always one of
    these: `discussion.evidence`)."""
    found = request.__dict__.setdefault("_evidence_attachments", {})
    if commitment_id not in found:
        attachments = attachments_of_commitment(commitment_id, request.user)
        found[commitment_id] = {attachment.pk: attachment for attachment in attachments}
    return found[commitment_id]
