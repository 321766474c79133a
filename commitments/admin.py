"""The admin site, writing through the same services and permission rules as the UI and API."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from access import permissions, visibility
from access.choices import Role, Side
from audit.recording import record as audit_record
from declaration_tracker.core.admin import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceAdmin,
    VersionedForm,
    changed_fields,
)

from . import services
from .forms import MarkingField
from .models import (
    Commitment,
    CommitmentContext,
    Declaration,
    Milestone,
    OfficialClause,
    Organisation,
    Pillar,
    SourceDocument,
    StatusUpdate,
    User,
)


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "place", "occasion"]
    readonly_fields = ["title", "date", "place", "occasion", "text_source", "text"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SourceDocument)
class SourceDocumentAdmin(ReadOnlyAdmin):
    """Read-only: the data file records the summary, `load_declaration --source` the official
    texts (checked whole, in one transaction)."""

    list_display = ["title", "kind", "language", "publisher", "published"]
    list_filter = ["kind", "language"]


@admin.register(OfficialClause)
class OfficialClauseAdmin(ReadOnlyAdmin):
    """Read-only: loaded with `load_declaration --source`."""

    list_display = ["commitment", "document", "paragraph"]
    list_filter = ["document"]
    list_select_related = ["commitment", "document"]


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "code_prefix", "description"]
    readonly_fields = ["slug", "code_prefix"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "side", "kind"]
    list_filter = ["side", "kind"]
    search_fields = ["name", "acronym"]


class Marked:
    """An admin or inline showing only the rows whose release marking the user may read
    (`access.visibility`): the admin is one more way in, and honours markings too."""

    def get_queryset(self, request):
        return visibility.visible(super().get_queryset(request), request.user)

    def has_add_permission(self, request, *args):
        # The operator adds no content (the services would refuse it too: a 403).
        return not permissions.is_operator(request.user) and super().has_add_permission(
            request, *args
        )


class MarkedForm:
    """An admin form's marking: the tracker's field, which keeps the item's marking (a new
    item's: bilateral) when none is sent; the services decide who may give which."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "marking" in self.fields:
            field = MarkingField(governs="", help_text=self.fields["marking"].help_text)
            if self.instance.pk:
                field.default = self.instance.marking
            self.fields["marking"] = field


class MilestoneInline(Marked, ReadOnlyInline):
    model = Milestone
    fields = ["title", "due_date", "owner", "weight", "completed_on", "marking"]
    show_change_link = True


class CommitmentContextInline(Marked, ReadOnlyInline):
    """Each side's context, to read: its side writes it on the commitment's page or with the
    API (`PUT …/contexts/<side>/`), where the rule that only that side writes it holds."""

    model = CommitmentContext
    fields = ["side", "text", "marking", "updated_by", "updated_at"]


class StatusUpdateInline(Marked, ReadOnlyInline):
    model = StatusUpdate
    fields = [
        "created_at",
        "author",
        "side",
        "kind",
        "assessment",
        "from_status",
        "to_status",
        "from_progress",
        "to_progress",
        "note",
        "evidence_url",
        "marking",
    ]

    def has_change_permission(self, request, obj=None):
        return False


class CommitmentForm(VersionedForm):
    class Meta:
        model = Commitment
        fields = [
            "title",
            "description",
            "lead_side",
            "lead_organisations",
            "responsible_india",
            "responsible_japan",
            "priority",
            "start_date",
            "target_date",
        ]


@admin.register(Commitment)
class CommitmentAdmin(ServiceAdmin):
    form = CommitmentForm
    list_display = [
        "code",
        "title",
        "pillar",
        "status",
        "india_status",
        "japan_status",
        "awaiting_side",
        "progress",
        "lead_side",
        "responsible_india",
        "responsible_japan",
        "target_date",
    ]
    list_filter = ["pillar", "status", "awaiting_side", "lead_side", "priority"]
    list_select_related = ["pillar", "responsible_india", "responsible_japan"]
    search_fields = ["code", "title", "description", "source_clause"]
    readonly_fields = [
        "code",
        "pillar",
        "paragraph",
        "source_clause",
        "status",
        "india_status",
        "japan_status",
        "awaiting_side",
        "awaiting_since",
        "progress",
        "version",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["code", "pillar", "title", "description"]}),
        (_("From the declaration"), {"fields": ["paragraph", "source_clause"]}),
        (
            _("Ownership"),
            {
                "fields": [
                    "lead_side",
                    "lead_organisations",
                    "responsible_india",
                    "responsible_japan",
                ]
            },
        ),
        (_("Plan"), {"fields": ["priority", "start_date", "target_date"]}),
        (
            _("Standing"),
            {
                "fields": [
                    "status",
                    "india_status",
                    "japan_status",
                    "awaiting_side",
                    "awaiting_since",
                    "progress",
                    "version",
                    "created_at",
                    "updated_at",
                    "expected_version",
                ]
            },
        ),
    ]
    filter_horizontal = ["lead_organisations"]
    inlines = [CommitmentContextInline, MilestoneInline, StatusUpdateInline]

    def has_add_permission(self, request):
        return False  # commitments come from the declaration: load_declaration

    def has_delete_permission(self, request, obj=None):
        return False  # a commitment is discontinued, never deleted

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return permissions.can_edit_pillar(request.user, obj.pillar_id) or (
            permissions.can_reassign_owners(request.user)
        )

    def write(self, request, obj, form, change):
        """Save the details and owners; shared terms changed are proposed, not applied."""
        saved = services.commitment_update(
            commitment=obj,
            actor=request.user,
            expected_version=form.cleaned_data["expected_version"],
            **changed_fields(
                form, services.COMMITMENT_EDITABLE_FIELDS | services.COMMITMENT_OWNER_FIELDS
            ),
        )
        if saved.proposal is not None:
            message = _("%(terms)s: proposed, awaiting %(other)s's confirmation; not yet applied.")
            terms = ", ".join(
                str(Commitment._meta.get_field(name).verbose_name)
                for name in sorted(saved.proposal.fields)
            )
            other = Side(saved.proposal.awaited_side).label
            self.message_user(
                request, message % {"terms": terms.capitalize(), "other": other}, messages.WARNING
            )
        return saved

    def save_related(self, request, form, formsets, change):
        """Save the (read-only) inlines only: the service has set the many-to-many fields."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class MilestoneForm(MarkedForm, VersionedForm):
    class Meta:
        model = Milestone
        fields = ["commitment", "title", "due_date", "owner", "weight", "completed_on", "marking"]


@admin.register(Milestone)
class MilestoneAdmin(Marked, ServiceAdmin):
    form = MilestoneForm
    list_display = ["title", "commitment", "side", "due_date", "owner", "weight", "completed_on"]
    list_filter = ["commitment__pillar"]
    list_select_related = ["commitment", "owner"]
    search_fields = ["title", "commitment__code"]
    autocomplete_fields = ["commitment"]

    def get_readonly_fields(self, request, obj=None):
        return ["commitment", "side"] if obj else []

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        # Only the side the milestone belongs to changes or deletes it.
        return permissions.can_change_item(request.user, obj, obj.commitment.pillar_id)

    has_delete_permission = has_change_permission

    def write(self, request, obj, form, change):
        fields = services.MILESTONE_EDITABLE_FIELDS
        if change:
            return services.milestone_update(
                milestone=obj,
                actor=request.user,
                expected_version=form.cleaned_data["expected_version"],
                **changed_fields(form, fields),
            )
        return services.milestone_create(
            commitment=form.cleaned_data["commitment"],
            actor=request.user,
            **{f: form.cleaned_data[f] for f in fields},
        )

    def delete_model(self, request, obj):
        services.milestone_delete(milestone=obj, actor=request.user, expected_version=obj.version)

    def delete_queryset(self, request, queryset):
        """The list's "delete selected" too goes through the service, one by one: each is
        refused (a 403) unless the user's side owns it, and progress follows each removal."""
        for milestone in queryset.select_related("commitment"):
            self.delete_model(request, milestone)


class StatusUpdateForm(MarkedForm, forms.ModelForm):
    class Meta:
        model = StatusUpdate
        fields = [
            "commitment",
            "side",
            "to_status",
            "to_progress",
            "note",
            "evidence_url",
            "marking",
        ]
        labels = {
            "side": _("Reporting for"),
            "to_status": _("The side's status"),
            "to_progress": _("Progress (%)"),
        }
        help_texts = {
            "side": _("Left blank, your own side."),
            "to_status": _("The official status follows from both sides' assessments."),
            "to_progress": _("Only for a commitment without milestones."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "to_progress" in self.fields:  # not on the read-only view of a status update
            self.fields["to_progress"].required = False


@admin.register(StatusUpdate)
class StatusUpdateAdmin(Marked, ServiceAdmin):
    """The trail: status updates are added through the service, and never edited or deleted."""

    form = StatusUpdateForm
    list_display = [
        "created_at",
        "commitment",
        "side",
        "kind",
        "assessment",
        "from_status",
        "to_status",
        "to_progress",
        "author",
    ]
    list_filter = ["side", "kind", "to_status", "commitment__pillar"]
    list_select_related = ["commitment", "author"]
    search_fields = ["commitment__code", "note"]
    autocomplete_fields = ["commitment"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def write(self, request, obj, form, change):
        commitment = form.cleaned_data["commitment"]
        return services.status_update_create(
            commitment=commitment,
            author=request.user,
            side=form.cleaned_data["side"] or None,
            status=form.cleaned_data["to_status"],
            note=form.cleaned_data["note"],
            evidence_url=form.cleaned_data["evidence_url"],
            progress=form.cleaned_data.get("to_progress"),
            expected_version=commitment.version,
            marking=form.cleaned_data["marking"],
        )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Each government administers its own people: a side administrator lists, adds, changes
    (roles, pillars, activity) and resets the second factor of their own side's users only; the
    other side's users are not listed and their pages are a 404. Their changes are audited (the
    audit log, for that side's managers)."""

    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Tracker"), {"fields": ["side", "organisation", "time_zone", "pillars"]}),
    ]
    # What a side administrator sets: no side (theirs), no superuser, staff or permissions.
    side_fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (
            _("Tracker"),
            {"fields": ["is_active", "groups", "organisation", "time_zone", "language", "pillars"]},
        ),
    ]
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "side",
        "organisation",
        "is_staff",
    ]
    list_filter = ["side", "groups", "is_staff", "is_superuser", "is_active"]
    filter_horizontal = [*BaseUserAdmin.filter_horizontal, "pillars"]
    actions = ["second_factor_reset", "sessions_end"]
    change_form_template = "admin/commitments/user/change_form.html"

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "<path:object_id>/sessions/",
                self.admin_site.admin_view(self.sessions_view),
                name="commitments_user_sessions",
            ),
            *super().get_urls(),
        ]

    def sessions_view(self, request, object_id):
        """A user's sessions (when, from where, which browser), and a button ending them all:
        for their side's administrators and the operator; another side's user is a 404."""
        from allauth.usersessions.models import UserSession
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from access.sessions import user_sessions_end

        user = self.get_object(request, object_id)
        if user is None:
            raise Http404
        if not permissions.may_administer(request.user, user):
            raise PermissionDenied
        if request.method == "POST":
            user_sessions_end(user)
            audit_record(user, {"sessions": ["active", "ended"]})
            self.message_user(
                request, _("All sessions of %(user)s ended.") % {"user": user.get_username()}
            )
            return redirect("admin:commitments_user_change", user.pk)
        sessions = sorted(
            UserSession.objects.filter(user=user),
            key=lambda session: session.last_seen_at,
            reverse=True,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": user,
            "title": _("Sessions of %(user)s") % {"user": user.get_username()},
            "sessions": sessions,
        }
        return TemplateResponse(request, "admin/commitments/user/sessions.html", context)

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if permissions.is_operator(request.user):
            return users
        if permissions.is_side_administrator(request.user):
            return users.filter(side=permissions.own_side(request.user), is_superuser=False)
        return users.none()

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another government's user is not found, as a user who does not exist (no redirect
        # saying "may have been deleted").
        raise Http404

    def get_fieldsets(self, request, obj=None):
        if permissions.is_operator(request.user) or obj is None:
            return super().get_fieldsets(request, obj)
        return self.side_fieldsets

    def get_list_filter(self, request):
        if permissions.is_operator(request.user):
            return self.list_filter
        return ["groups", "is_active"]

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted: their records and the audit log name them.
        return permissions.is_operator(request.user) and super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not permissions.is_operator(request.user):
            kwargs["queryset"] = Group.objects.filter(name__in=Role.values)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not permissions.is_operator(request.user):
            kwargs["queryset"] = Organisation.objects.filter(
                side=permissions.own_side(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not permissions.is_operator(request.user):
            obj.side = permissions.own_side(request.user)
            obj.is_superuser = False
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not permissions.is_operator(request.user):
            # The admin site is for side administrators (and the operator) only.
            staff = form.instance.groups.filter(name=Role.ADMINISTRATOR).exists()
            if form.instance.is_staff != staff:
                form.instance.is_staff = staff
                form.instance.save(update_fields=["is_staff"])

    @admin.action(description=_("Reset the second factor (the user enrols again)"))
    def second_factor_reset(self, request, queryset):
        from allauth.mfa.models import Authenticator

        from access.sessions import user_sessions_end

        users = [user for user in queryset if permissions.may_administer(request.user, user)]
        for user in users:
            Authenticator.objects.filter(user=user).delete()
            user_sessions_end(user)
            audit_record(user, {"second_factor": ["enrolled", "reset"]})
        self.message_user(
            request,
            _("Second factor reset for %(count)d users; their sessions ended.")
            % {"count": len(users)},
        )

    @admin.action(description=_("End all sessions"))
    def sessions_end(self, request, queryset):
        from access.sessions import user_sessions_end

        users = [user for user in queryset if permissions.may_administer(request.user, user)]
        for user in users:
            user_sessions_end(user)
            audit_record(user, {"sessions": ["active", "ended"]})
        self.message_user(request, _("Sessions ended for %(count)d users.") % {"count": len(users)})
