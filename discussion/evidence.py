"""An attachment as a status update's evidence (issue 26: "a status report's evidence may be an
attachment or a link").

The commitments app stores the evidence as a link and does not import discussion: this module
tells it which links are attachments (`attachment_evidence`, in `registry.evidence_sources`),
and the template tags `evidence_choices` (the commitment's attachments offered beside the
field) and `evidence_link` (the trail's link) read them for the page's reader. An attachment is
stored by its page's download path (`/attachments/<id>/download/`), which goes through the gate
on every request; its title is shown only to who may read it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from access.choices import Marking
from commitments.models.trail import is_local_path

from . import targets
from .attachment_selectors import attachments_of_commitment

# The views that download an attachment: the page's and the API's.
DOWNLOADS = {"attachment-download", "api:attachment-download"}


def download_path(pk: int) -> str:
    return reverse("attachment-download", args=[pk])


def attachment_id(link: str) -> int | None:
    """The id of the attachment `link` downloads (either path, relative or under SITE_URL),
    else None."""
    site = settings.SITE_URL
    path = link.removeprefix(site) if site and link.startswith(f"{site}/") else link
    if not is_local_path(path):
        return None
    try:
        found = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    pk = str(found.kwargs.get("pk", ""))
    if found.view_name not in DOWNLOADS or not pk.isdigit():
        return None
    return int(pk)


def attachment_evidence(link: str, commitment, author, marking: str) -> str | None:
    """`link` as the evidence to store if it downloads an attachment (its page's path), None if
    it does not; a 400 on `evidence_url` unless the attachment is on `commitment` or one of its
    milestones, `author` may read it, it may be downloaded, and everyone who may read the
    status update's note (`marking`) may read it too."""
    pk = attachment_id(link)
    if pk is None:
        return None
    attachment = attachments_of_commitment(commitment, author).filter(pk=pk).first()
    if attachment is None or not attachment.downloadable:
        raise ValidationError(
            {
                "evidence_url": _(
                    "Choose an attachment of this commitment or of one of its milestones, "
                    "which you may read and download."
                )
            }
        )
    if not targets.narrower_or_same(marking, attachment.marking):
        raise ValidationError(
            {
                "evidence_url": _(
                    "This attachment is marked %(attachment)s: not everyone who may read this "
                    "note (%(marking)s) could open it. Mark the note %(attachment)s or narrower, "
                    "or choose another attachment."
                )
                % {
                    "attachment": Marking(attachment.marking).label,
                    "marking": Marking(marking).label,
                }
            }
        )
    return download_path(attachment.pk)
