"""The attachments' pages: each item's attachments panel (on its page, and on its own for a
plain browser), the upload and removal, and the download through the gate.

Every read finds the item and the attachment for the request's user: a hidden one is a 404,
as if there were none. An upload refused (a type, a marking, a size) comes back as the panel
with the reason beside the field; htmx requests get the panel only.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.http import require_http_methods, require_POST

from access import permissions
from access.views import GatedViewMixin
from declaration_tracker.core.versioning import StaleVersionError
from declaration_tracker.core.views import form_add_errors, is_htmx

from . import attachment_services as services
from . import targets
from .attachment_download import serve
from .attachment_forms import AttachmentForm
from .attachment_selectors import attachment_list
from .models import Attachment
from .templatetags.attachments import panel_context


def _panel(request, item, form=None, status=200, notice=""):
    """The panel (for htmx) or its page. A refusal's status (400, 413, 422) goes to a plain
    browser; htmx swaps only 2xx answers, so it gets the panel with the reasons as a 200."""
    context = panel_context(item, request.user, form=form, error_status=status)
    if is_htmx(request):
        template, status = "discussion/includes/attachments.html", 200
    else:
        template = "discussion/attachments_page.html"
    context |= {"page_of": targets.page_of(item), "notice": notice}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def item_attachments(request, kind: str, ref, code: str | None = None):
    """GET: the item's attachments panel. POST: attach a file to the item."""
    permissions.require_reader(request)
    item = targets.target_get(kind, ref, request.user)
    if code is not None and item.commitment.code.lower() != code.lower():
        raise Http404("No such item.")
    if request.method == "GET":
        return _panel(request, item)
    services.require_may_attach(request.user)
    form = AttachmentForm(request.POST, request.FILES, auto_id=f"id_attach_{kind}_{item.pk}_%s")
    if not form.is_valid():
        return _panel(request, item, form=form, status=400)
    try:
        attachment = services.attachment_add(
            target=item,
            actor=request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            marking=form.cleaned_data["marking"],
        )
    except services.AttachmentTooLarge as error:
        form.add_error("file", str(error))
        return _panel(request, item, form=form, status=413)
    except ValidationError as error:
        form_add_errors(form, error)
        return _panel(request, item, form=form, status=400)
    if not attachment.downloadable:
        form = AttachmentForm(auto_id=f"id_attach_{kind}_{item.pk}_%s")
        form.add_error("file", services.infected_message())
        return _panel(request, item, form=form, status=422)
    if is_htmx(request):
        return _panel(request, item)
    messages.success(request, gettext("“%(title)s” attached.") % {"title": attachment.title})
    return redirect(targets.page_of(item))


def commitment_attachments(request, code: str):
    return item_attachments(request, "commitment", code)


def milestone_attachments(request, code: str, pk: int):
    return item_attachments(request, "milestone", pk, code=code)


def meeting_attachments(request, pk: int):
    return item_attachments(request, "meeting", pk)


def action_item_attachments(request, pk: int):
    return item_attachments(request, "action_item", pk)


@require_POST
def attachment_remove(request, pk: int):
    """Remove an attachment (its side's analysts and managers), back to its item's page."""
    permissions.require_reader(request)
    attachment = attachment_list(request.user).filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such attachment.")
    item = attachment.target
    services.require_change(request.user, attachment)
    version = request.POST.get("version", "")
    try:
        if not (version.isascii() and version.isdigit()) or len(version) > 9:
            raise StaleVersionError(attachment, None)
        services.attachment_remove(
            attachment=attachment, actor=request.user, expected_version=int(version)
        )
    except StaleVersionError:
        notice, level = (
            gettext(
                "This attachment changed since the page was loaded: nothing was removed. "
                "Check it and try again."
            ),
            messages.ERROR,
        )
    else:
        notice = gettext("“%(title)s” removed.") % {"title": attachment.title}
        level = messages.SUCCESS
    if is_htmx(request):
        return _panel(request, item, notice=notice)
    messages.add_message(request, level, notice)
    return redirect(targets.page_of(item))


class AttachmentDownloadView(GatedViewMixin, View):
    """The file of an attachment the reader may read: the gate on every request."""

    def get_queryset(self):
        return Attachment.objects.all()

    def get(self, request, pk: int):
        permissions.require_reader(request)
        attachment = self.get_queryset().filter(pk=pk).first()
        if attachment is None:
            raise Http404("No such attachment.")
        return serve(attachment, request.user)
