"""Writes and business rules for commitments. The admin, UI, API and tasks all call these."""

import datetime
from typing import Any

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from access import permissions, visibility
from access.choices import Marking, Side, counterpart
from declaration_tracker.core.events import Event, emit, figures_changed, snapshot
from declaration_tracker.core.events import changed as fields_changed
from declaration_tracker.core.versioning import lock_for_write, versioned_save

from . import official_status, selectors, trail_messages
from .audit import acting_as
from .audit import record as audit_record
from .choices import Status, TrailKind
from .events import T, item_changed
from .models import (
    Commitment,
    Declaration,
    Milestone,
    StatusUpdate,
    User,
)

COMMITMENT_EDITABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "context",
        "marking",
        "priority",
        "lead_side",
        "start_date",
        "target_date",
    }
)


def owner_check(
    owner: User | None, *, current_owner_id: int | None = None, marking: str | None = None
) -> None:
    """Refuse an owner who may not own a milestone or an action item (`owner_candidates`), or
    who could not read it under its `marking`."""
    if owner is None:
        return
    if marking is not None and not visibility.shows(owner, marking):
        message = _("%(user)s cannot own this: they may not read an item marked %(marking)s.")
        raise ValidationError(
            {"owner": message % {"user": owner, "marking": Marking(marking).label}}
        )
    if owner.pk == current_owner_id:
        return
    if not selectors.owner_candidates().filter(pk=owner.pk).exists():
        message = _("%(user)s cannot own this: they have no role in the tracker.")
        raise ValidationError({"owner": message % {"user": owner}})


COMMITMENT_OWNER_FIELDS = frozenset({"responsible", "lead_organisations"})
MILESTONE_EDITABLE_FIELDS = frozenset(
    {"title", "due_date", "owner", "weight", "completed_on", "marking"}
)
# A milestone getting a completion date is done, losing it reopened: (was done, is done) → the
# trail's message.
MILESTONE_COMPLETION = {(False, True): "milestone_done", (True, False): "milestone_reopened"}


def roles_sync(*, using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions its role needs."""
    from django.apps import apps

    for label in ("commitments", "dialogues"):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    for role, grants in permissions.ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = Permission.objects.using(using).none()
        for app_label, codenames in grants.items():
            wanted = wanted | Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        group.permissions.set(wanted)


@acting_as("actor")
def commitment_update(
    *, commitment: Commitment, actor: User, expected_version: int, **changes: Any
) -> Commitment:
    """Change a commitment's details or owners. Status and progress change via status updates."""
    unknown = set(changes) - COMMITMENT_EDITABLE_FIELDS - COMMITMENT_OWNER_FIELDS
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be changed here.") for field in sorted(unknown)}
        )
    if set(changes) & COMMITMENT_EDITABLE_FIELDS:
        permissions.require_edit_pillar(actor, commitment.pillar_id)
    if set(changes) & COMMITMENT_OWNER_FIELDS:
        permissions.require(
            permissions.can_reassign_owners(actor)
            or permissions.can_edit_pillar(actor, commitment.pillar_id),
            _("Only a manager or an analyst of this pillar may reassign owners."),
        )
    with transaction.atomic():
        current = lock_for_write(commitment, expected_version)
        if "marking" in changes:
            visibility.marking_check(actor, changes["marking"], current=current.marking, origin="")
        before = snapshot(current, [*changes.keys() - {"lead_organisations"}, "inferred_fields"])
        # A value a user sets is theirs, no longer the tracker's inference.
        current.inferred_fields = [f for f in current.inferred_fields if f not in changes]
        organisations = changes.pop("lead_organisations", None)
        for field, value in changes.items():
            setattr(current, field, value)
        versioned_save(current)
        fields = fields_changed(current, before)
        if organisations is not None:
            held = set(current.lead_organisations.values_list("pk", flat=True))
            current.lead_organisations.set(organisations)
            if held != {getattr(o, "pk", o) for o in organisations}:
                fields.append("lead_organisations")
        emit(item_changed(current, fields, actor), figures_changed(actor))
        if current.start_date:
            early = current.milestones.filter(due_date__lt=current.start_date)
            if early.exists():
                # The message names a milestone only to a reader of its marking.
                named = early.visible_to(actor).first()
                message = (
                    _("Milestone “%(title)s” is due before this start date.")
                    % {"title": named.title}
                    if named is not None
                    else _("A milestone you cannot read is due before this start date.")
                )
                raise ValidationError({"start_date": message})
    return current


def report_side(author: User, side: str | None) -> str:
    """The side a report speaks for: the one asked for, else the author's own."""
    side = side or author.side
    if not side:
        raise ValidationError({"side": _("Say which side this report is for: india or japan.")})
    if side not in Side.values:
        message = _("“%(side)s” is not a side; choose india or japan.")
        raise ValidationError({"side": message % {"side": side}})
    return side


@acting_as("author")
def status_update_create(
    *,
    commitment: Commitment,
    author: User,
    status: str,
    note: str,
    expected_version: int | None,
    evidence_url: str = "",
    progress: int | None = None,
    side: str | None = None,
    marking: str = Marking.BILATERAL,
) -> StatusUpdate:
    """Report one side's assessment of a commitment and derive the official status from both.

    The author reports for their own side (a superuser for either, naming it). The entry
    appended to the trail records the side, the status it reports and the official status
    before and after (`commitments.official_status` decides it). Without milestones, progress
    follows the official assessment: a report's progress applies once its status is the official
    one.

    `expected_version=None` appends to the trail whatever the current version: the entry
    records the from → to it actually applied, so nothing is overwritten unseen.
    """
    return _report_write(
        commitment=commitment,
        author=author,
        side=side,
        status=status,
        note=note,
        evidence_url=evidence_url,
        progress=progress,
        expected_version=expected_version,
        marking=marking,
    )


@acting_as("author")
def assessment_confirm(
    *,
    commitment: Commitment,
    author: User,
    note: str,
    expected_version: int | None,
    side: str | None = None,
    marking: str = Marking.BILATERAL,
) -> StatusUpdate:
    """Confirm the other side's assessment: report its status for one's own side, with a note."""
    return _report_write(
        commitment=commitment,
        author=author,
        side=side,
        status=None,
        note=note,
        evidence_url="",
        progress=None,
        expected_version=expected_version,
        marking=marking,
    )


def _report_write(
    *,
    commitment: Commitment,
    author: User,
    side: str | None,
    status: str | None,
    note: str,
    evidence_url: str,
    progress: int | None,
    expected_version: int | None,
    marking: str,
) -> StatusUpdate:
    """Check and write one side's report; `status=None` confirms the other side's status."""
    permissions.require_edit_pillar(author, commitment.pillar_id)
    side = report_side(author, side)
    permissions.require_report_for(author, side)
    visibility.marking_check(author, marking)
    errors: dict[str, str] = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = _("A note is required: say why the status is what it is.")
    if status is not None and status not in Status.values:
        errors["status"] = _("“%(status)s” is not a status; choose one of %(choices)s.") % {
            "status": status,
            "choices": ", ".join(Status.values),
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock_for_write(commitment, expected_version)
        if status is None:
            status = current.side_status(counterpart(side))
            if status == current.side_status(side):
                message = _("Both sides already report “%(status)s”: nothing awaits confirmation.")
                raise ValidationError({"status": message % {"status": Status(status).label}})
        has_milestones = current.milestones.exists()
        if progress is not None and has_milestones:
            raise ValidationError(
                {"progress": _("Progress is derived from the milestones of this commitment.")}
            )
        return _record_report(
            current,
            author=author,
            side=side,
            status=status,
            note=note,
            evidence_url=evidence_url or "",
            progress=progress,
            has_milestones=has_milestones,
            marking=marking,
        )


def _record_report(
    commitment: Commitment,
    *,
    author: User,
    side: str,
    status: str,
    note: str,
    evidence_url: str,
    progress: int | None,
    has_milestones: bool,
    marking: str,
) -> StatusUpdate:
    """Apply one side's report to a locked commitment and append it to the trail."""
    other = counterpart(side)
    before = {s: commitment.side_status(s) for s in Side.values}
    kind = official_status.report_kind(
        side=side, status=status, before=before, awaiting=commitment.awaiting_side
    )
    after = before | {side: status}
    outcome = official_status.resolve(
        lead_side=commitment.lead_side,
        official=commitment.status,
        india=after[Side.INDIA],
        japan=after[Side.JAPAN],
        reporter=side,
    )
    new_progress = commitment.progress
    if not has_milestones and status == outcome.official:
        # Without milestones, progress is the official assessment's: this report's, else (on a
        # confirmation) the progress the other side proposed with the status now agreed.
        other_report = commitment.side_report(other)
        proposed = (
            other_report.reported_progress
            if other_report is not None and other_report.assessment == status
            else None
        )
        if progress is not None:
            new_progress = progress
        elif outcome.official != commitment.status and proposed is not None:
            new_progress = proposed
        elif outcome.official != commitment.status and outcome.official == Status.COMPLETED:
            new_progress = 100
    entry = _append(
        commitment,
        author=author,
        side=side,
        kind=kind,
        assessment=status,
        reported_progress=progress,
        status=outcome.official,
        progress=new_progress,
        note=note,
        evidence_url=evidence_url,
        marking=marking,
        save=False,
    )
    setattr(commitment, f"{side}_status", status)
    setattr(commitment, f"{side}_report", entry)
    # Awaited since the latest report that left the sides apart.
    commitment.awaiting_side = outcome.awaiting
    commitment.awaiting_since = entry.created_at if outcome.awaiting else None
    versioned_save(commitment)
    reported = {"side": side, "status": status, "kind": kind}
    emit(Event(T.COMMITMENT_SIDE_REPORTED, commitment, reported, author))
    if entry.from_status != entry.to_status:
        official = {"status": [entry.from_status, entry.to_status]}
        emit(Event(T.COMMITMENT_STATUS_CHANGED, commitment, official, author))
    progress = ["progress"] if entry.from_progress != entry.to_progress else []
    emit(item_changed(commitment, progress, author), figures_changed(author))
    return entry


def _append(
    commitment: Commitment,
    *,
    author: User,
    side: str,
    kind: str,
    status: str,
    progress: int,
    note: str,
    assessment: str = "",
    reported_progress: int | None = None,
    evidence_url: str = "",
    marking: str = Marking.BILATERAL,
    message: str = "",
    message_params: dict | None = None,
    source_milestone: int | None = None,
    save: bool = True,
) -> StatusUpdate:
    """Append an entry to a locked commitment's trail and move its official status and progress.

    With `save=False` the caller saves the commitment, after setting what else the entry
    changes (a side's assessment)."""
    entry = StatusUpdate(
        commitment=commitment,
        author=author,
        side=side,
        kind=kind,
        assessment=assessment,
        reported_progress=reported_progress,
        from_status=commitment.status,
        to_status=status,
        from_progress=commitment.progress,
        to_progress=progress,
        note=note,
        evidence_url=evidence_url,
        marking=marking,
        message=message,
        message_params=message_params or {},
        source_milestone=source_milestone,
        version=commitment.version + 1,
    )
    entry.full_clean(exclude=["commitment", "author"])
    entry.save()
    commitment.status = status
    commitment.progress = progress
    if save:
        versioned_save(commitment)
    return entry


def commitment_progress_from_milestones(commitment: Commitment) -> int | None:
    """Return progress as the completed share of milestone weight, or None without milestones."""
    totals = commitment.milestones.aggregate(
        total=Sum("weight"), done=Sum("weight", filter=models.Q(completed_on__isnull=False))
    )
    if not totals["total"]:
        return None
    return round(100 * (totals["done"] or 0) / totals["total"])


def _milestones_changed(
    commitment: Commitment, *, actor: User, reason: str, milestone: Milestone, milestone_id: int
) -> Commitment:
    """Roll milestone progress up into the (locked) commitment, recording any change; the
    entry quotes the milestone, so it carries the milestone's marking, and follows it."""
    progress = commitment_progress_from_milestones(commitment)
    if progress is None or progress == commitment.progress:
        versioned_save(commitment)
    else:
        _append(
            commitment,
            author=actor,
            side=actor.side,
            kind=TrailKind.PROGRESS,
            status=commitment.status,
            progress=progress,
            note=trail_messages.english(
                reason,
                params := {"old": commitment.progress, "new": progress, "title": milestone.title},
            ),
            message=reason,
            message_params=params,
            marking=milestone.marking,
            source_milestone=milestone_id,
        )
        emit(item_changed(commitment, ["progress"], actor))
    return commitment


@acting_as("actor")
def milestone_create(
    *,
    commitment: Commitment,
    actor: User,
    title: str,
    due_date: datetime.date,
    owner: User | None = None,
    weight: int = 1,
    completed_on: datetime.date | None = None,
    marking: str = Marking.BILATERAL,
) -> Milestone:
    permissions.require_edit_pillar(actor, commitment.pillar_id)
    visibility.marking_check(actor, marking)
    owner_check(owner, marking=marking)
    with transaction.atomic():
        locked = lock_for_write(commitment, None)
        milestone = Milestone(
            commitment=locked,
            title=title,
            due_date=due_date,
            owner=owner,
            weight=weight,
            completed_on=completed_on,
            marking=marking,
            side=actor.side,
        )
        milestone.full_clean()
        milestone.save()
        emit(Event(T.MILESTONE_CREATED, milestone, {}, actor))
        _milestones_changed(
            locked,
            actor=actor,
            reason="milestone_added",
            milestone=milestone,
            milestone_id=milestone.pk,
        )
        emit(figures_changed(actor))
    return milestone


@acting_as("actor")
def milestone_update(
    *, milestone: Milestone, actor: User, expected_version: int, **changes: Any
) -> Milestone:
    unknown = set(changes) - MILESTONE_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be changed here.") for field in sorted(unknown)}
        )
    if "marking" in changes:
        visibility.marking_check(
            actor, changes["marking"], current=milestone.marking, origin=milestone.side
        )
    if "owner" in changes or "marking" in changes:
        owner_check(
            changes.get("owner", milestone.owner),
            current_owner_id=milestone.owner_id,
            marking=changes.get("marking", milestone.marking),
        )
    return _milestone_write(
        milestone,
        actor=actor,
        expected_version=expected_version,
        changes=changes,
        reason="milestone_changed",
    )


@acting_as("actor")
def milestone_complete(
    *,
    milestone: Milestone,
    actor: User,
    expected_version: int,
    completed_on: datetime.date | None = None,
) -> Milestone:
    return _milestone_write(
        milestone,
        actor=actor,
        expected_version=expected_version,
        changes={"completed_on": completed_on or timezone.localdate()},
        reason="milestone_done",
    )


@acting_as("actor")
def milestone_reopen(*, milestone: Milestone, actor: User, expected_version: int) -> Milestone:
    return _milestone_write(
        milestone,
        actor=actor,
        expected_version=expected_version,
        changes={"completed_on": None},
        reason="milestone_reopened",
    )


def _milestone_write(
    milestone: Milestone, *, actor: User, expected_version: int, changes: dict, reason: str
) -> Milestone:
    permissions.require_edit_pillar(actor, milestone.commitment.pillar_id)
    permissions.require(visibility.shows(actor, milestone.marking))
    with transaction.atomic():
        commitment = lock_for_write(milestone.commitment, None)
        current = lock_for_write(milestone, expected_version)
        before = snapshot(current, changes)
        for field, value in changes.items():
            setattr(current, field, value)
        current.commitment = commitment
        versioned_save(current)
        # Done or reopened is that, whichever service set or cleared the date.
        completion = MILESTONE_COMPLETION.get(
            (bool(before.get("completed_on", current.completed_on)), bool(current.completed_on))
        )
        reason = completion or reason
        fields = fields_changed(current, before)
        if completion == "milestone_done":
            emit(Event(T.MILESTONE_COMPLETED, current, {"fields": fields}, actor))
        else:
            emit(item_changed(current, fields, actor))
        _milestones_changed(
            commitment, actor=actor, reason=reason, milestone=current, milestone_id=current.pk
        )
        emit(figures_changed(actor))
    return current


@acting_as("actor")
def milestone_delete(*, milestone: Milestone, actor: User, expected_version: int) -> None:
    permissions.require_edit_pillar(actor, milestone.commitment.pillar_id)
    permissions.require(visibility.shows(actor, milestone.marking))
    with transaction.atomic():
        commitment = lock_for_write(milestone.commitment, None)
        current = lock_for_write(milestone, expected_version)
        milestone_id = current.pk
        current.delete()
        progress = commitment_progress_from_milestones(commitment)
        if progress is None:
            # Without milestones, progress is kept as it was until set by hand.
            versioned_save(commitment)
        else:
            _milestones_changed(
                commitment,
                actor=actor,
                reason="milestone_removed",
                milestone=current,
                milestone_id=milestone_id,
            )
        emit(figures_changed(actor))


@acting_as("actor")
def commitment_create(*, actor: User, **fields: Any) -> Commitment:
    """Add a commitment beyond those loaded from the declaration (its clause must be verbatim)."""
    pillar = fields["pillar"]
    permissions.require_edit_pillar(actor, pillar.pk)
    organisations = fields.pop("lead_organisations", [])
    with transaction.atomic():
        commitment = Commitment(**fields)
        if not commitment.declaration_id:
            commitment.declaration = Declaration.objects.order_by("-date").first()
        paragraphs = commitment.declaration.paragraphs if commitment.declaration else []
        number = commitment.paragraph or 0
        if not (1 <= number <= len(paragraphs)) or (
            commitment.source_clause not in paragraphs[number - 1]
        ):
            raise ValidationError(
                {
                    "source_clause": _("Quote the declaration verbatim from paragraph %(n)s.")
                    % {"n": number}
                }
            )
        versioned_save(commitment)
        commitment.lead_organisations.set(organisations)
        emit(figures_changed(actor))
    return commitment


@acting_as("actor")
def marking_change(
    *, item, actor: User, marking: str, pillar_id: int, expected_version: int | None = None
):
    """Give an item another release marking: tighter by its editors (or a manager), looser
    only by a manager of the side whose marking it carries (`visibility.marking_check`).

    Works for every markable row: commitments (their added context), milestones, status
    reports, meetings (their outcome) and action items. A status report's marking is the one
    column of the trail that may change; the change is written to the audit log like any.
    """
    permissions.require(visibility.shows(actor, item.marking))
    visibility.marking_check(
        actor, marking, current=item.marking, origin=visibility.item_side(item)
    )
    loosening = visibility.reach(marking) > visibility.reach(item.marking)
    if not loosening:
        permissions.require(
            permissions.can_edit_pillar(actor, pillar_id) or permissions.is_manager(actor),
            _("Only an analyst of this pillar or a manager may restrict this item."),
        )
    with transaction.atomic():
        current = lock_for_write(item, expected_version if hasattr(item, "version") else None)
        if current.marking == marking:
            return current
        before = current.marking
        current.marking = marking
        if isinstance(current, StatusUpdate):
            current.save(update_fields=["marking"])
            audit_record(current, {"marking": [before, marking]})
        else:
            versioned_save(current)
        emit(item_changed(current, ["marking"], actor), figures_changed(actor))
    return current
