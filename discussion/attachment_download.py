"""Serving an attachment's file: the one way its content leaves the storage, for the page and
the API alike. The caller has found the attachment through the gate for this request's reader
(a hidden one is a 404 before this is reached); this answers with the stored type, as a
download (never shown inline), and records who downloaded it."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .attachment_services import attachment_downloaded
from .models import Attachment


def serve(attachment: Attachment, reader) -> FileResponse:
    if not attachment.downloadable:
        raise Http404(_("This file was quarantined by the virus scan: nobody can download it."))
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("The file of this attachment is missing from the storage.")) from error
    attachment_downloaded(attachment=attachment, reader=reader)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name or f"attachment-{attachment.pk}",
        content_type=attachment.content_type,
    )
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
