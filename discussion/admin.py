"""Comments and attachments in the admin: to read, as every other path reads them.

Each list holds only the rows whose marking its user may read (`commitments.admin.Marked`, the
one gate): the operator, of no side, what a public reader reads; a side administrator their own
side's national rows and the shared ones. Nothing is written here: comments are written and
deleted by their authors on the page or the API, attachments added, changed and removed by
their side there, where the rules are (`comment_services`, `attachment_services`). No file's
content is served by the admin: a file is linked to the gated download view, which applies the
gate again, and the file field itself (whose storage has no URL) is never shown.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from commitments.admin import Marked
from declaration_tracker.core.admin import ReadOnlyAdmin

from .attachment_services import size_label
from .models import Attachment, Comment

# The items a row may be on, read with it: its list names each row's item without a query each.
ON_ITEMS = ["commitment", "milestone", "meeting__mechanism", "action_item", "created_by"]


class ToRead(Marked, ReadOnlyAdmin):
    """Rows to read through the gate, never added, changed or deleted in the admin."""

    list_select_related = ON_ITEMS
    list_filter = ["marking", "side"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description=_("item"))
    def item(self, obj) -> str:
        return f"{obj.target._meta.verbose_name}: {obj.target}"


@admin.register(Comment)
class CommentAdmin(ToRead):
    fields = [
        "item",
        "parent",
        "body",
        "marking",
        "side",
        "created_by",
        "created_at",
        "edited_at",
        "deleted_at",
    ]
    list_display = ["__str__", "item", "marking", "side", "created_by", "created_at", "deleted_at"]
    search_fields = ["body"]


@admin.register(Attachment)
class AttachmentAdmin(ToRead):
    # Never `file`: its storage has no URL, and its content leaves through the download view only.
    fields = [
        "title",
        "item",
        "original_name",
        "marking",
        "side",
        "created_by",
        "created_at",
        "updated_at",
        "file_size",
        "content_type",
        "sha256",
        "state",
        "scan_result",
        "download",
    ]
    list_display = [
        "title",
        "item",
        "marking",
        "side",
        "created_by",
        "created_at",
        "file_size",
        "content_type",
        "state",
        "download",
    ]
    list_filter = ["marking", "side", "state", "content_type"]
    search_fields = ["title", "original_name", "sha256"]

    @admin.display(description=_("Size"), ordering="size")
    def file_size(self, obj) -> str:
        return size_label(obj.size)

    @admin.display(description=_("file"))
    def download(self, obj) -> str:
        if not obj.downloadable:
            return _("Quarantined by the virus scan: it cannot be downloaded.")
        url = reverse("attachment-download", args=[obj.pk])
        return format_html('<a href="{}" download>{}</a>', url, _("Download"))
