from django.contrib import admin

from access import permissions
from commitments.admin import Marked, MarkedForm
from declaration_tracker.core.admin import (
    ReadOnlyInline,
    ServiceAdmin,
    VersionedForm,
    changed_fields,
)
from declaration_tracker.core.events import emit, figures_changed

from . import services
from .models import ActionItem, DialogueMechanism, Meeting


@admin.register(DialogueMechanism)
class DialogueMechanismAdmin(admin.ModelAdmin):
    list_display = ["name", "cadence", "pillar", "reinforced_by", "established"]
    list_filter = ["cadence", "pillar", "established"]
    list_select_related = ["pillar", "reinforced_by"]
    search_fields = ["name", "description"]
    readonly_fields = ["slug", "declaration", "paragraph", "source_clause"]
    autocomplete_fields = ["reinforced_by"]
    filter_horizontal = ["lead_organisations", "leads"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Saved here, not by a service: its cadence and standing are figures on the dashboard.
        super().save_model(request, obj, form, change)
        emit(figures_changed(request.user))


class MeetingForm(MarkedForm, VersionedForm):
    class Meta:
        model = Meeting
        fields = ["mechanism", "date", "place", "state", "outcome_summary", "marking"]


class ActionItemInline(Marked, ReadOnlyInline):
    model = ActionItem
    fields = ["title", "owner", "due_date", "state", "commitment", "marking"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(Marked, ServiceAdmin):
    """Meetings whose outcome the user may read: the admin's form shows and edits it."""

    form = MeetingForm
    list_display = ["mechanism", "date", "place", "state", "side"]
    list_filter = ["state", "mechanism"]
    list_select_related = ["mechanism"]
    search_fields = ["mechanism__name", "place", "outcome_summary"]
    date_hierarchy = "date"
    inlines = [ActionItemInline]

    def get_readonly_fields(self, request, obj=None):
        return ["mechanism", "side"] if obj else []

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        # Only the side the meeting belongs to changes it.
        return permissions.can_change_item(request.user, obj, obj.mechanism.pillar_id)

    def has_delete_permission(self, request, obj=None):
        return False

    def write(self, request, obj, form, change):
        if change:
            return services.meeting_update(
                meeting=obj,
                actor=request.user,
                expected_version=form.cleaned_data["expected_version"],
                **changed_fields(form, services.MEETING_FIELDS),
            )
        return services.meeting_create(
            mechanism=form.cleaned_data["mechanism"],
            actor=request.user,
            **{f: form.cleaned_data[f] for f in services.MEETING_FIELDS},
        )


class ActionItemForm(MarkedForm, VersionedForm):
    class Meta:
        model = ActionItem
        fields = [
            "meeting",
            "title",
            "description",
            "owner",
            "due_date",
            "state",
            "completed_on",
            "commitment",
            "marking",
        ]


@admin.register(ActionItem)
class ActionItemAdmin(Marked, ServiceAdmin):
    form = ActionItemForm
    list_display = ["title", "meeting", "side", "owner", "due_date", "state", "commitment"]
    list_filter = ["state", "meeting__mechanism"]
    list_select_related = ["meeting__mechanism", "owner", "commitment"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["commitment"]

    def get_readonly_fields(self, request, obj=None):
        return ["meeting", "side"] if obj else []

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        # Only the side the action item belongs to changes it.
        return permissions.can_change_item(request.user, obj, obj.meeting.mechanism.pillar_id)

    def has_delete_permission(self, request, obj=None):
        return False

    def write(self, request, obj, form, change):
        if change:
            return services.action_item_update(
                action_item=obj,
                actor=request.user,
                expected_version=form.cleaned_data["expected_version"],
                **changed_fields(form, services.ACTION_ITEM_FIELDS),
            )
        return services.action_item_create(
            meeting=form.cleaned_data["meeting"],
            actor=request.user,
            **{f: form.cleaned_data[f] for f in services.ACTION_ITEM_FIELDS},
        )
