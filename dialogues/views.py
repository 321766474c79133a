"""The dialogue pages: the mechanisms, a mechanism's meetings, a meeting's action items.

Everyone with a role reads them; analysts of a mechanism's pillar (and superusers) record
meetings and action items. Every write goes through dialogues.services, which checks the
permission and the version again; a refusal (PermissionDenied) is left to Django's 403 page.
Forms work as plain POSTs (then a redirect and a message); htmx requests get the changed part
of the page back instead.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import permissions, visibility
from commitments.models import Commitment, User
from commitments.selectors import owner_candidates
from declaration_tracker.core.views import form_add_errors, form_write, is_htmx

from . import selectors, services
from .choices import ActionItemState
from .forms import (
    ActionItemEditForm,
    ActionItemForm,
    ActionItemStateForm,
    CadenceForm,
    MeetingEditForm,
    MeetingForm,
)
from .models import ActionItem, DialogueMechanism, Meeting

MEETING_FORM_ID = "id_meeting_%s"
NEW_ITEM_FORM_ID = "id_new_item_%s"


def _state_form_id(item_pk: int) -> str:
    return f"id_item{item_pk}_%s"


# --------------------------------------------------------------------------- shared


def _schedule(mechanism: DialogueMechanism, today: datetime.date) -> DialogueMechanism:
    """Attach when the next meeting is due and whether the cadence has lapsed (the model's
    rule: a mechanism the declaration only says will be explored has no due date yet)."""
    mechanism.due = mechanism.next_due(mechanism.last_held)
    mechanism.overdue = mechanism.is_overdue(mechanism.last_held, today)
    return mechanism


def _owner_choices(*include: int | None) -> list[User]:
    """Users who may own an action item, plus the current owners."""
    return list(owner_candidates(keep=include).order_by("username", "pk"))


def _commitment_choices() -> list[Commitment]:
    return list(Commitment.objects.only("id", "code", "title", "title_ja").order_by("code"))


# --------------------------------------------------------------------------- mechanisms


@require_GET
def dialogue_list(request):
    permissions.require_reader(request)
    today = timezone.localdate()
    mechanisms = [
        _schedule(mechanism, today)
        for mechanism in selectors.mechanism_list(today).order_by("pillar__position", "name")
    ]
    return render(
        request,
        "dialogues/dialogue_list.html",
        {
            "mechanisms": mechanisms,
            "today": today,
            "overdue_count": sum(1 for m in mechanisms if m.overdue),
        },
    )


def _mechanism(slug: str, today: datetime.date) -> DialogueMechanism:
    return _schedule(get_object_or_404(selectors.mechanism_list(today), slug=slug), today)


def _mechanism_page(request, mechanism: DialogueMechanism, **extra):
    """The mechanism page, or for htmx its live part (schedule, meetings, form)."""
    user = request.user
    can_edit = permissions.can_add_items(user, mechanism.pillar_id)
    readable = visibility.condition(user, "action_items__marking")
    meetings = mechanism.meetings.annotate(
        item_count=Count("action_items", filter=readable),
        open_item_count=Count(
            "action_items", filter=readable & Q(action_items__state=ActionItemState.OPEN)
        ),
    ).order_by("-date", "-id")
    context = {
        "mechanism": mechanism,
        "meetings": visibility.all_as_read_by(meetings, user),
        "can_edit": can_edit,
        "form": MeetingForm(user=user) if can_edit else None,
        "cadence_form": CadenceForm(initial={"cadence": mechanism.cadence})
        if permissions.is_manager(request.user)
        else None,
    }
    context.update(extra)
    if is_htmx(request):
        return render(request, "dialogues/partials/mechanism_live.html", context)
    context["commitments"] = Commitment.objects.filter(
        declaration_id=mechanism.declaration_id,
        paragraph=mechanism.paragraph,
        source_clause=mechanism.source_clause,
    ).only("code", "title", "status")
    return render(request, "dialogues/dialogue_detail.html", context)


@require_GET
def dialogue_detail(request, slug: str):
    permissions.require_reader(request)
    return _mechanism_page(request, _mechanism(slug, timezone.localdate()))


@require_POST
def mechanism_cadence(request, slug: str):
    """A manager sets the cadence both sides agreed (the declaration states few)."""
    permissions.require_reader(request)
    permissions.require(
        permissions.is_manager(request.user),
        gettext("Only a manager may set a mechanism's cadence."),
    )
    mechanism = _mechanism(slug, timezone.localdate())
    form = CadenceForm(request.POST)
    if form.is_valid():
        try:
            services.mechanism_cadence_set(
                mechanism=mechanism, actor=request.user, cadence=form.cleaned_data["cadence"]
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, gettext("The agreed cadence is saved."))
            return redirect("dialogue-detail", slug=slug)
    return _mechanism_page(request, mechanism, cadence_form=form)


@require_POST
def meeting_add(request, slug: str):
    permissions.require_reader(request)
    today = timezone.localdate()
    mechanism = _mechanism(slug, today)
    permissions.require_add_items(request.user, mechanism.pillar_id)
    form = MeetingForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            meeting = services.meeting_create(
                mechanism=mechanism, actor=request.user, **form.changes()
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            message = gettext("Meeting of %(day)s (%(state)s) recorded.") % {
                "day": formats.date_format(meeting.date, "DATE_FORMAT"),
                "state": meeting.get_state_display().lower(),
            }
            if is_htmx(request):
                return _mechanism_page(request, _mechanism(slug, today), notice=message)
            messages.success(request, message)
            return redirect("meeting-detail", pk=meeting.pk)
    return _mechanism_page(request, mechanism, form=form)


# --------------------------------------------------------------------------- meetings


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("mechanism__pillar", "mechanism__declaration"), pk=pk
    )


def _meeting_page(request, meeting: Meeting, **extra):
    """The meeting page, or for htmx its live part, in a fixed number of queries: the action
    items the user may read, the outcome if they may read it."""
    today = timezone.localdate()
    user = request.user
    items = list(
        visibility.visible(meeting.action_items.select_related("owner", "commitment"), user)
    )
    pillar_id = meeting.mechanism.pillar_id
    for item in items:
        item.overdue = item.is_overdue(today)
        # Only the side an action item belongs to changes it: the other side gets no control.
        item.changeable = permissions.can_change_item(user, item, pillar_id)
    visibility.as_read_by(meeting, user)
    can_edit = permissions.can_add_items(user, pillar_id)
    # Only the meeting's own side edits it, and nobody an outcome they may not read: their
    # form would blank it.
    can_edit_meeting = permissions.can_change_item(user, meeting, pillar_id) and not (
        meeting.withheld
    )
    context = {
        "meeting": meeting,
        "mechanism": meeting.mechanism,
        "items": items,
        "can_edit": can_edit,
        "can_edit_meeting": can_edit_meeting,
        "open_count": sum(1 for item in items if item.state == ActionItemState.OPEN),
    }
    state_forms = extra.pop("state_forms", {})
    if can_edit_meeting:
        context["meeting_form"] = MeetingEditForm(
            initial={
                "date": meeting.date,
                "place": meeting.place,
                "state": meeting.state,
                "outcome_summary": meeting.outcome_summary,
                "marking": meeting.marking,
                "version": meeting.version,
            },
            auto_id=MEETING_FORM_ID,
            user=user,
            current_marking=meeting.marking,
            origin=meeting.side,
        )
    if can_edit:
        if "item_form" not in extra:
            context["item_form"] = ActionItemForm(
                users=_owner_choices(),
                commitments=_commitment_choices(),
                auto_id=NEW_ITEM_FORM_ID,
                user=user,
            )
        for item in items:
            if not item.changeable:
                continue
            item.state_form = state_forms.get(item.pk) or ActionItemStateForm(
                initial={"state": item.state, "version": item.version},
                auto_id=_state_form_id(item.pk),
            )
    context.update(extra)
    template = (
        "dialogues/partials/meeting_live.html"
        if is_htmx(request)
        else "dialogues/meeting_detail.html"
    )
    return render(request, template, context)


def _meeting_done(request, pk: int, message: str):
    if is_htmx(request):
        return _meeting_page(request, _meeting(pk), notice=message)
    messages.success(request, message)
    return redirect("meeting-detail", pk=pk)


@require_GET
def meeting_detail(request, pk: int):
    permissions.require_reader(request)
    return _meeting_page(request, _meeting(pk))


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    permissions.require_reader(request)
    meeting = _meeting(pk)
    if request.method == "GET":
        return redirect("meeting-detail", pk=pk)
    permissions.require_change_item(request.user, meeting, meeting.mechanism.pillar_id)
    form = MeetingEditForm(
        request.POST,
        auto_id=MEETING_FORM_ID,
        user=request.user,
        current_marking=meeting.marking,
        origin=meeting.side,
    )
    conflict = None
    if form.is_valid():
        # A stale write saves nothing: the meeting is shown as it is now with what the user
        # typed, ready to be sent again against the current version if they still want it.
        written = form_write(
            request,
            form,
            lambda: services.meeting_update(
                meeting=meeting,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
            reload=lambda: _meeting(pk),
            rebuild=lambda retry, fresh: MeetingEditForm(
                retry,
                auto_id=MEETING_FORM_ID,
                user=request.user,
                current_marking=fresh.marking,
                origin=fresh.side,
            ),
        )
        if written.ok:
            return _meeting_done(request, pk, gettext("Meeting saved."))
        form, conflict = written.form, written.conflict
        meeting = conflict.object if conflict else meeting
    return _meeting_page(request, meeting, meeting_form=form, meeting_conflict=conflict)


# --------------------------------------------------------------------------- action items


@require_POST
def action_item_add(request, pk: int):
    permissions.require_reader(request)
    meeting = _meeting(pk)
    permissions.require_add_items(request.user, meeting.mechanism.pillar_id)
    form = ActionItemForm(
        request.POST,
        users=_owner_choices(),
        commitments=_commitment_choices(),
        auto_id=NEW_ITEM_FORM_ID,
        user=request.user,
    )
    if form.is_valid():
        try:
            item = services.action_item_create(
                meeting=meeting, actor=request.user, **form.changes()
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return _meeting_done(
                request, pk, gettext("Action item “%(title)s” added.") % {"title": item.title}
            )
    return _meeting_page(request, meeting, item_form=form)


def _action_item(request, pk: int) -> ActionItem:
    """The action item, if the user may read it: another government's is a 404."""
    return get_object_or_404(
        visibility.visible(
            ActionItem.objects.select_related(
                "meeting__mechanism__pillar",
                "meeting__mechanism__declaration",
                "owner",
                "commitment",
            ),
            request.user,
        ),
        pk=pk,
    )


def _item_edit_form(data, item: ActionItem, user) -> ActionItemEditForm:
    initial = {
        "title": item.title,
        "owner": item.owner_id,
        "due_date": item.due_date,
        "commitment": item.commitment_id,
        "description": item.description,
        "state": item.state,
        "completed_on": item.completed_on,
        "marking": item.marking,
        "version": item.version,
    }
    return ActionItemEditForm(
        data,
        initial=initial,
        users=_owner_choices(item.owner_id),
        commitments=_commitment_choices(),
        user=user,
        current_marking=item.marking,
        origin=item.side,
    )


@require_http_methods(["GET", "POST"])
def action_item_edit(request, pk: int):
    """Edit an action item on its own page; the meeting page's short form changes its state."""
    permissions.require_reader(request)
    item = _action_item(request, pk)
    meeting = item.meeting
    permissions.require_change_item(request.user, item, meeting.mechanism.pillar_id)
    if request.method == "POST" and request.POST.get("part") == "state":
        return _action_item_state(request, item)

    form = _item_edit_form(request.POST if request.method == "POST" else None, item, request.user)
    conflict = None
    if form.is_bound and form.is_valid():
        changes = form.changes()
        written = form_write(
            request,
            form,
            lambda: services.action_item_update(
                action_item=item,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **changes,
            ),
            reload=lambda: _action_item(request, pk),
            rebuild=lambda retry, fresh: _item_edit_form(retry, fresh, request.user),
        )
        if written.ok:
            return _meeting_done(
                request,
                meeting.pk,
                gettext("Action item “%(title)s” saved.") % {"title": written.saved.title},
            )
        form, conflict = written.form, written.conflict
        item = conflict.object if conflict else item
    return render(
        request,
        "dialogues/action_item_edit.html",
        {"item": item, "meeting": meeting, "form": form, "conflict": conflict},
    )


def _action_item_state(request, item: ActionItem):
    """The meeting page's short form: close, drop or reopen an action item."""
    form = ActionItemStateForm(request.POST, auto_id=_state_form_id(item.pk))
    conflict = None
    if form.is_valid():
        written = form_write(
            request,
            form,
            lambda: services.action_item_update(
                action_item=item,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
            reload=lambda: _action_item(request, item.pk),
            rebuild=lambda retry, fresh: ActionItemStateForm(
                retry, auto_id=_state_form_id(fresh.pk)
            ),
        )
        if written.ok:
            return _meeting_done(
                request,
                written.saved.meeting_id,
                gettext("Action item “%(title)s” is now %(state)s.")
                % {
                    "title": written.saved.title,
                    "state": written.saved.get_state_display().lower(),
                },
            )
        form, conflict = written.form, written.conflict
        item = conflict.object if conflict else item
    return _meeting_page(
        request, _meeting(item.meeting_id), state_forms={item.pk: form}, item_conflict=conflict
    )
