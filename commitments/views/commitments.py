"""The commitments pages: the filtered list, a commitment, and in-place updates on it."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from access import permissions, visibility
from access.choices import Side, counterpart
from declaration_tracker.core import registry
from declaration_tracker.core.i18n import in_japanese
from declaration_tracker.core.versioning import StaleVersionError
from declaration_tracker.core.views import (
    form_add_errors,
    form_write,
    is_htmx,
    list_params,
    page_size,
)

from .. import history, selectors, services
from ..choices import CommitmentStrength, LeadSide, Priority, Status
from ..declaration_layout import clause_spans
from ..filters import CommitmentFilter
from ..forms import (
    AssessmentConfirmForm,
    CommitmentContextForm,
    MilestoneForm,
    StatusUpdateForm,
)
from ..models import Commitment, Milestone
from .past import with_as_of

SORTS = {
    "code": _("Code"),
    "title": _("Title"),
    "status": _("Official status"),
    "-progress": _("Progress (high first)"),
    "progress": _("Progress (low first)"),
    "target_date": _("Target date"),
    "-updated_at": _("Recently changed"),
    "priority": _("Priority"),
}
PAGE_SIZES = (25, 50, 100, 200, 500)
DEFAULT_PAGE_SIZE = 50
# The filters shown in the list's first row; the others wait behind "More filters", which
# opens when one of them is set.
COMMON_FILTERS = ("search", "pillar", "status", "lead_side", "sides_agree")
MORE_FILTERS = (
    "commitment_strength",
    "organisation",
    "partner",
    "owner",
    "priority",
    "awaiting_side",
    "as_of",
    "target_date_after",
    "target_date_before",
)
# Filters a dashboard link sets, kept as hidden fields and shown as chips.
LINKED_FILTERS = ("milestones", "milestone_due_within", "stale")
FILTER_NAMES = {
    "search": _("Search"),
    "pillar": _("Pillar"),
    "status": _("Official status"),
    "commitment_strength": _("Worded"),
    "lead_side": _("Lead side"),
    "organisation": _("Lead organisation"),
    "partner": _("Framework or partner"),
    "owner": _("Responsible user"),
    "priority": _("Priority"),
    "target_date_after": _("Target date from"),
    "target_date_before": _("Target date to"),
    "as_of": _("As of"),
}


def filtered_commitments(request, params: QueryDict):
    """The commitments a list URL names, and its filter set (bound, with any errors); search
    and milestone filters see only what the user may read."""
    filterset = CommitmentFilter(
        params, queryset=selectors.commitment_list(request.user), request=request
    )
    queryset = filterset.qs if filterset.is_valid() else Commitment.objects.none()
    return queryset, filterset


def _chip_label(key: str, value: str, at) -> str:
    """One active filter in words: its name and its value as the form shows them."""
    from ..templatetags.tracker import as_of_label

    choices = {
        "pillar": selectors.pillar_choices,
        "status": lambda: Status.choices,
        "commitment_strength": lambda: CommitmentStrength.choices,
        "lead_side": lambda: LeadSide.choices,
        "organisation": selectors.organisation_choices,
        "partner": selectors.organisation_choices,
        "priority": lambda: Priority.choices,
    }
    if key == "sides_agree":
        return gettext("Sides agree") if value == "true" else gettext("Sides disagree")
    if key == "awaiting_side" and value in Side.values:
        return gettext("Awaiting %(label)s") % {"label": Side(value).label}
    if key == "as_of" and at:
        return gettext("As of %(when)s") % {"when": as_of_label(at)}
    if key == "milestones":
        return gettext("Milestones overdue") if value == "overdue" else gettext("Due soon")
    if key == "milestone_due_within":
        return gettext("Due within %(days)s days") % {"days": value}
    if key == "stale":
        return (
            gettext("No status update in 90 days")
            if value == "true"
            else gettext("Status updated within 90 days")
        )
    shown = dict(choices[key]()).get(value, value) if key in choices else value
    name = FILTER_NAMES.get(key, key)
    return gettext("%(filter)s: %(value)s") % {"filter": name, "value": shown}


def filter_chips(params: QueryDict, at) -> list[dict]:
    """The active filters, each with the list's URL without it (the other filters, the sort
    and the page size kept; back to the first page)."""
    chips = []
    for key in (*COMMON_FILTERS, *MORE_FILTERS, *LINKED_FILTERS):
        for value in params.getlist(key):
            rest = params.copy()
            rest.pop("page", None)
            rest.setlist(key, [v for v in params.getlist(key) if v != value])
            query = rest.urlencode()
            chips.append(
                {
                    "label": _chip_label(key, value, at),
                    "href": reverse("commitment-list") + (f"?{query}" if query else ""),
                }
            )
    return chips


def commitment_list(request):
    """The filtered list; with `as_of`, the commitments as they stood then (a bad `as_of` is
    shown beside the filter, as any bad filter value)."""
    permissions.require_reader(request)
    params = list_params(request)
    queryset, filterset = filtered_commitments(request, params)
    at = filterset.at
    sort = params.get("sort") if params.get("sort") in SORTS else "code"
    size = page_size(params, PAGE_SIZES, default=DEFAULT_PAGE_SIZE)
    status_field = history.PAST_FIELDS["status"] if at else "status"
    counts = queryset.order_by().aggregate(
        total=Count("id"), **selectors.status_counts(status_field)
    )
    column = history.PAST_FIELDS.get(sort.lstrip("-"), sort.lstrip("-")) if at else sort
    order = ("-" if sort.startswith("-") else "") + column.lstrip("-")
    paginator = Paginator(queryset.order_by(order, "pk"), size)
    paginator.count = counts["total"]  # known already: spare the paginator its COUNT query
    page = paginator.get_page(params.get("page"))
    without_page = params.copy()
    without_page.pop("page", None)
    today = without_page.copy()
    today.pop("as_of", None)
    more = sum(len(params.getlist(key)) for key in MORE_FILTERS)
    return render(
        request,
        "commitments/commitment_list.html",
        {
            "page": page,
            "filterset": filterset,
            "params": params,
            "query": without_page.urlencode(),
            "status_counts": [(s, label, counts[f"n_{s}"]) for s, label in Status.choices],
            "total": counts["total"],
            "sorts": SORTS,
            "sort": sort,
            "page_sizes": PAGE_SIZES,
            "page_size": size,
            "statuses": Status.choices,
            "lead_sides": LeadSide.choices,
            "priorities": Priority.choices,
            "selected_statuses": params.getlist("status"),
            "strengths": CommitmentStrength.choices,
            "selected_strengths": params.getlist("commitment_strength"),
            "sides": Side.choices,
            "as_of": at,
            "today_query": today.urlencode(),
            "selected_status_labels": [
                label for value, label in Status.choices if value in params.getlist("status")
            ],
            "selected_strength_labels": [
                label
                for value, label in CommitmentStrength.choices
                if value in params.getlist("commitment_strength")
            ],
            "list_separator": pgettext("between the items of a list", ", "),
            "chips": filter_chips(params, at),
            "more_count": more,
            # Open when a filter behind it is set, or the sort or page size it holds is changed.
            "more_open": bool(more) or sort != "code" or size != DEFAULT_PAGE_SIZE,
        },
        # A bad filter value is shown beside its field, and the answer says the request was bad.
        status=400 if filterset.errors else 200,
    )


def _commitment(request, code: str) -> Commitment:
    return get_object_or_404(
        selectors.with_sources(
            selectors.with_pending_changes(selectors.commitment_list(request.user))
        ),
        code=code,
    )


def _live_context(request, commitment: Commitment, **extra) -> dict:
    """Everything the updatable part of a commitment page shows, in a fixed number of queries."""
    user = request.user
    milestones = list(
        commitment.milestones.visible_to(user).select_related("owner").order_by("due_date", "id")
    )
    today = timezone.localdate()
    for milestone in milestones:
        milestone.current_state = milestone.state_on(today)
        # Only the side a milestone belongs to changes it: the other side gets no control.
        milestone.changeable = permissions.can_change_item(user, milestone, commitment.pillar_id)
    can_edit = permissions.can_edit_pillar(request.user, commitment.pillar_id)
    status_sides = permissions.status_sides(request.user, commitment.pillar_id)
    own = status_sides[0] if status_sides else None
    if request.user.side in status_sides:
        own = request.user.side
    context = {
        "commitment": commitment,
        "sides": side_panels(commitment, user),
        # The reader's side's own figure (its national milestones counted), labelled as its own.
        "internal_progress": selectors.internal_progress(commitment),
        "reader_side_label": Side(user.side).label if user.side in Side.values else "",
        "milestones": milestones,
        "trail": selectors.status_update_list(user).filter(commitment=commitment),
        "can_edit": can_edit,
        "can_add": permissions.can_add_items(user, commitment.pillar_id),
        "status_sides": status_sides,
        "own_side": own,
        "own_side_label": Side(own).label if own else "",
        "status_form": StatusUpdateForm(
            initial={
                "side": own,
                "status": commitment.side_status(own) if own else commitment.status,
                "version": commitment.version,
            },
            has_milestones=selectors.has_shared_milestones(commitment),
            sides=status_sides,
            user=user,
        ),
        "confirm": confirmable(commitment, status_sides, own, user),
        "milestone_form": MilestoneForm(user=user),
        "pending_changes": proposal_rows(commitment),
        "terms_side": services.terms_sides(user, commitment),
    }
    context.update(extra)
    return context


def _term_value(name: str, raw) -> str:
    """A shared term's value in words: a choice's label, a date in the reader's format."""
    if raw in (None, ""):
        return "—"
    field = Commitment._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(raw, raw))
    return formats.date_format(datetime.date.fromisoformat(raw), "DATE_FORMAT")


def proposal_rows(commitment: Commitment) -> list:
    """The commitment's pending proposals (prefetched by `selectors.commitment_list`), each
    with `rows`: every term proposed, in words, its value before and the one proposed."""
    changes = getattr(commitment, "pending_changes", None)
    if changes is None:
        changes = list(selectors.pending_changes().filter(commitment=commitment))
    for change in changes:
        change.rows = [
            (
                Commitment._meta.get_field(name).verbose_name,
                _term_value(name, change.before.get(name)),
                _term_value(name, value),
            )
            for name, value in sorted(change.fields.items())
        ]
    return changes


def side_panels(commitment: Commitment, user) -> list[dict]:
    """Both sides' assessments, India first, each with its latest status update (its note and
    evidence withheld from a reader outside its marking)."""
    return [
        {
            "side": side,
            "label": label,
            "status": commitment.side_status(side),
            "status_update": visibility.as_read_by(commitment.side_status_update(side), user),
            "awaited": commitment.awaiting_side == side,
        }
        for side, label in Side.choices
    ]


def confirmable(
    commitment: Commitment, status_sides: list[str], own: str | None, user
) -> dict | None:
    """The confirmation the user can give on this page: their side taking the other's status.

    Not offered while the user's side is the one waiting for the other's answer."""
    if not own or commitment.sides_agree:
        return None
    other = counterpart(own)
    if commitment.awaiting_side == other:
        return None
    return {
        "side": own,
        "other": other,
        "other_label": Side(other).label,
        "status": commitment.side_status(other),
        "form": AssessmentConfirmForm(
            initial={"side": own, "version": commitment.version}, sides=status_sides, user=user
        ),
    }


def _page(request, commitment: Commitment, **extra):
    """The whole commitment page: the live part and what only a full load shows."""
    context = _live_context(request, commitment, **extra)
    if "side_contexts" not in context:
        context["side_contexts"] = context_panels(commitment, request.user)
    for section in registry.page_sections:
        context.update(section(commitment, request.user))
    return render(request, "commitments/commitment_detail.html", context | _fixed(commitment))


def context_panels(commitment: Commitment, user, bound: CommitmentContextForm | None = None):
    """India's and Japan's contexts as `user` may read them, each with the form to write it
    if it is the user's side's to write (`bound`: the form sent, shown again with its errors).
    The other government's national-only context is not there, as if none existed."""
    readable = {
        context.side: context
        for context in selectors.context_list(user).filter(commitment=commitment)
    }
    panels = []
    for side, label in Side.choices:
        current = readable.get(side)
        writable = permissions.can_edit_pillar(user, commitment.pillar_id) and (
            permissions.acts_for(user, side)
        )
        form = None
        if writable:
            form = bound if bound is not None and bound.side == side else None
            form = form or CommitmentContextForm(user=user, side=side, current=current)
        panels.append(
            {
                "side": side,
                "label": label,
                "context": current if current is not None and current.text else None,
                "form": form,
            }
        )
    return panels


def _fixed(commitment: Commitment) -> dict:
    """What the page shows of the declaration's record: the clause as the summary words it,
    with this commitment's own words marked where it shares a listing clause, the document it
    is quoted from, the clause in each official text (the reader's language first), and its
    owners."""
    own = [(commitment.source_clause, commitment)] if commitment.clause_part else []
    segments, _unplaced = clause_spans(commitment.source_clause, own)
    return {
        "clause_segments": segments,
        "source": commitment.declaration.text_source,
        "official_clauses": selectors.clauses_for_reader(
            commitment.official_clauses.all(), "ja" if in_japanese() else "en"
        ),
        "partners": list(commitment.partners.all()),
        "organisations_by_side": [
            (label, [o for o in commitment.lead_organisations.all() if o.side == side])
            for side, label in Side.choices
        ],
    }


@with_as_of
def commitment_detail(request, code: str):
    """The commitment page; with `as_of`, as it stood then, read-only."""
    permissions.require_reader(request)
    if request.as_of:
        return _past_page(request, code, request.as_of)
    return _page(request, _commitment(request, code))


def _past_page(request, code: str, at):
    """The page as it stood at `at`: official status, both sides' assessments and latest
    status updates, progress, milestones and their states, and the trail up to then; no forms."""
    user = request.user
    commitment = get_object_or_404(
        selectors.with_sources(history.past(selectors.commitment_list(user), at)), code=code
    )
    milestones = visibility.readable(history.milestones_as_of([commitment.pk], at), user)
    trail = selectors.status_update_list(user).filter(commitment=commitment, created_at__lte=at)
    context = {
        "commitment": commitment,
        "as_of": at,
        "sides": side_panels(commitment, user),
        "milestones": milestones,
        "trail": trail,
        "can_edit": False,
        "status_sides": [],
        "confirm": None,
    }
    return render(request, "commitments/commitment_detail.html", context | _fixed(commitment))


def _answer(request, commitment: Commitment, **extra):
    """Answer a write: the live part of the page for htmx, else the whole page again."""
    if is_htmx(request):
        context = _live_context(request, commitment, **extra)
        return render(request, "commitments/partials/live.html", context)
    return _page(request, commitment, **extra)


def _done(request, commitment: Commitment, message: str):
    messages.success(request, message)
    if is_htmx(request):
        return _answer(request, _commitment(request, commitment.code))
    return redirect("commitment-detail", code=commitment.code)


def conflict_since(commitment: Commitment, seen_version: int, user) -> dict:
    """What changed on a commitment since the user loaded it at `seen_version`."""
    return {
        "seen_version": seen_version,
        "status_updates": selectors.status_update_list(user)
        .filter(commitment=commitment, version__gt=seen_version)
        .order_by("created_at", "id"),
    }


@require_POST
def status_update(request, code: str):
    permissions.require_reader(request)
    commitment = _commitment(request, code)
    permissions.require_edit_pillar(request.user, commitment.pillar_id)
    has_milestones = selectors.has_shared_milestones(commitment)
    form = StatusUpdateForm(
        request.POST,
        has_milestones=has_milestones,
        sides=permissions.status_sides(request.user, commitment.pillar_id),
        user=request.user,
    )
    if not form.is_valid():
        return _answer(request, commitment, status_form=form)
    data = form.cleaned_data
    sides = permissions.status_sides(request.user, commitment.pillar_id)
    written = form_write(
        request,
        form,
        lambda: services.status_update_create(
            commitment=commitment,
            author=request.user,
            side=data["side"],
            status=data["status"],
            note=data["note"],
            evidence_url=data["evidence_url"],
            progress=data.get("progress"),
            expected_version=data["version"],
            marking=data["marking"],
        ),
        reload=lambda: _commitment(request, code),
        rebuild=lambda retry, _fresh: StatusUpdateForm(
            retry, has_milestones=has_milestones, sides=sides, user=request.user
        ),
    )
    refused = _refused(request, commitment, written, lambda form, _c: {"status_form": form})
    if refused:
        return refused
    update = written.saved
    return _done(
        request,
        commitment,
        gettext("%(side)s's assessment of %(code)s recorded.")
        % {"side": Side(update.side).label, "code": commitment.code},
    )


def _refused(request, commitment: Commitment, written, shown):
    """The live part again after a refused write, or None if it was saved: after a conflict,
    with what changed since; `shown(form, current)` puts the form back where it goes."""
    if written.conflict:
        current = written.conflict.object
        return _answer(
            request,
            current,
            conflict=conflict_since(current, written.conflict.seen_version, request.user),
            **shown(written.form, current),
        )
    if not written.ok:
        return _answer(request, commitment, **shown(written.form, commitment))
    return None


@require_POST
def assessment_confirm(request, code: str):
    permissions.require_reader(request)
    commitment = _commitment(request, code)
    permissions.require_edit_pillar(request.user, commitment.pillar_id)
    sides = permissions.status_sides(request.user, commitment.pillar_id)
    form = AssessmentConfirmForm(request.POST, sides=sides, user=request.user)

    def again(confirm_form, current):
        side = confirm_form.data.get("side") or request.user.side
        found = confirmable(current, sides, side if side in sides else None, request.user)
        return {"confirm": found and found | {"form": confirm_form}}

    if not form.is_valid():
        return _answer(request, commitment, **again(form, commitment))
    data = form.cleaned_data
    written = form_write(
        request,
        form,
        lambda: services.assessment_confirm(
            commitment=commitment,
            author=request.user,
            side=data["side"],
            note=data["note"],
            expected_version=data["version"],
            marking=data["marking"],
        ),
        reload=lambda: _commitment(request, code),
        rebuild=lambda retry, _fresh: AssessmentConfirmForm(retry, sides=sides, user=request.user),
    )
    refused = _refused(request, commitment, written, again)
    if refused:
        return refused
    update = written.saved
    return _done(
        request,
        commitment,
        gettext("%(side)s confirmed %(other)s's assessment of %(code)s.")
        % {
            "side": Side(update.side).label,
            "other": Side(counterpart(update.side)).label,
            "code": commitment.code,
        },
    )


@require_POST
def milestone_add(request, code: str):
    permissions.require_reader(request)
    commitment = _commitment(request, code)
    permissions.require_add_items(request.user, commitment.pillar_id)
    form = MilestoneForm(request.POST, user=request.user)
    if form.is_valid():
        fields = {
            k: form.cleaned_data[k] for k in ("title", "due_date", "owner", "weight", "marking")
        }
        try:
            services.milestone_create(commitment=commitment, actor=request.user, **fields)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return _done(
                request,
                commitment,
                gettext("Milestone added to %(code)s.") % {"code": commitment.code},
            )
    return _answer(request, commitment, milestone_form=form)


def _milestone(request, commitment: Commitment, pk: int) -> Milestone:
    milestone = (
        Milestone.objects.visible_to(request.user).select_related("owner").filter(pk=pk).first()
    )
    if milestone is None or milestone.commitment_id != commitment.pk:
        raise Http404("No such milestone on this commitment.")
    milestone.commitment = commitment
    return milestone


@require_http_methods(["GET", "POST"])
def milestone_edit(request, code: str, pk: int):
    permissions.require_reader(request)
    commitment = _commitment(request, code)
    milestone = _milestone(request, commitment, pk)
    permissions.require_change_item(request.user, milestone, commitment.pillar_id)
    form = MilestoneForm(request.POST or None, instance=milestone, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {
            k: form.cleaned_data[k] for k in ("title", "due_date", "owner", "weight", "marking")
        }
        written = form_write(
            request,
            form,
            lambda: services.milestone_update(
                milestone=milestone,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **fields,
            ),
            reload=lambda: _milestone(request, commitment, pk),
            rebuild=lambda retry, fresh: MilestoneForm(retry, instance=fresh, user=request.user),
        )
        if written.ok:
            return _done(request, commitment, gettext("Milestone saved."))
        form = written.form
        conflict = written.conflict.object if written.conflict else None
    template = (
        "commitments/partials/milestone_form.html"
        if is_htmx(request)
        else "commitments/milestone_edit.html"
    )
    return render(
        request,
        template,
        {"commitment": commitment, "milestone": milestone, "form": form, "conflict": conflict},
    )


@require_POST
def milestone_done(request, code: str, pk: int):
    permissions.require_reader(request)
    commitment = _commitment(request, code)
    milestone = _milestone(request, commitment, pk)
    permissions.require_change_item(request.user, milestone, commitment.pillar_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        services.milestone_complete(
            milestone=milestone, actor=request.user, expected_version=version
        )
    except StaleVersionError:
        messages.error(
            request,
            gettext(
                "“%(title)s” was changed by someone else since you loaded the page; it is shown "
                "as it is now. Check it and mark it done again if it still is."
            )
            % {"title": milestone.title},
        )
        if is_htmx(request):
            return _answer(request, _commitment(request, code))
        return redirect("commitment-detail", code=code)
    return _done(
        request, commitment, gettext("“%(title)s” marked done.") % {"title": milestone.title}
    )
