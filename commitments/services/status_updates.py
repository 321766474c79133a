"""The trail: each side's status updates and confirmations, and appending a status update."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access import permissions, visibility
from access.choices import SHARED_MARKINGS, Marking, Side, counterpart
from audit.recording import acting_as
from declaration_tracker.core import registry
from declaration_tracker.core.events import Event, emit, figures_changed
from declaration_tracker.core.versioning import lock_for_write, versioned_save

from .. import official_status
from ..choices import Status
from ..events import T, item_changed
from ..models import Commitment, StatusUpdate, User
from ..models.trail import is_local_path, validate_evidence_link


def evidence_clean(link: str, *, commitment: Commitment, author: User, marking: str) -> str:
    """The evidence link to store: a web link, or one the apps above recognise as theirs
    (`registry.evidence_sources`: discussion, an attachment of this commitment that everyone
    who reads the status update's note may read); else a 400 on `evidence_url`."""
    link = (link or "").strip()
    if not link:
        return ""
    for source in registry.evidence_sources:
        found = source(link, commitment, author, marking)
        if found is not None:
            return found
    try:
        if is_local_path(link):
            raise ValidationError("a path no source recognises")
        validate_evidence_link(link)
    except ValidationError:
        raise ValidationError(
            {
                "evidence_url": _(
                    "Give a web link (https://…) or choose an attachment of this commitment."
                )
            }
        ) from None
    return link


def status_update_side(author: User, side: str | None) -> str:
    """The side a status update speaks for: the one asked for, else the author's own."""
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
    """Give one side's assessment of a commitment and derive the official status from both.

    The author writes for their own side (a superuser too: held to their side). The status
    update appended to the trail records the side, its assessment and the official status before
    and after (`commitments.official_status` decides it). Without milestones, progress follows
    the official assessment: a status update's progress applies once its assessment is the
    official status.

    `expected_version=None` appends to the trail whatever the current version: the status
    update records the from → to it actually applied, so nothing is overwritten unseen.
    """
    return _status_update_write(
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
    """Confirm the other side's assessment: give its status as one's own side's, with a note."""
    return _status_update_write(
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


def _status_update_write(
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
    """Check and write one side's status update; `status=None` confirms the other side's."""
    permissions.require_edit_pillar(author, commitment.pillar_id)
    side = status_update_side(author, side)
    permissions.require_status_for(author, side)
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
    evidence_url = evidence_clean(
        evidence_url, commitment=commitment, author=author, marking=marking
    )
    with transaction.atomic():
        current = lock_for_write(commitment, expected_version)
        if status is None:
            status = current.side_status(counterpart(side))
            if status == current.side_status(side):
                message = _("Both sides already report “%(status)s”: nothing awaits confirmation.")
                raise ValidationError({"status": message % {"status": Status(status).label}})
        # Only shared milestones make the official progress: with none, it is set by hand.
        has_milestones = current.milestones.filter(marking__in=SHARED_MARKINGS).exists()
        if progress is not None and has_milestones:
            raise ValidationError(
                {"progress": _("Progress is derived from the milestones of this commitment.")}
            )
        return _status_update_record(
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


def _status_update_record(
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
    """Apply one side's status update to a locked commitment and append it to the trail."""
    other = counterpart(side)
    before = {s: commitment.side_status(s) for s in Side.values}
    kind = official_status.status_update_kind(
        side=side, status=status, before=before, awaiting=commitment.awaiting_side
    )
    after = before | {side: status}
    outcome = official_status.resolve(
        lead_side=commitment.lead_side,
        official=commitment.status,
        india=after[Side.INDIA],
        japan=after[Side.JAPAN],
        updating_side=side,
    )
    new_progress = commitment.progress
    if not has_milestones and status == outcome.official:
        # Without milestones, progress is the official assessment's: this status update's, else
        # (on a confirmation) the progress the other side proposed with the status now agreed.
        other_update = commitment.side_status_update(other)
        proposed = (
            other_update.reported_progress
            if other_update is not None and other_update.assessment == status
            else None
        )
        if progress is not None:
            new_progress = progress
        elif outcome.official != commitment.status and proposed is not None:
            new_progress = proposed
        elif outcome.official != commitment.status and outcome.official == Status.COMPLETED:
            new_progress = 100
    update = _append(
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
    setattr(commitment, f"{side}_report", update)  # the field of the side's latest status update
    # Awaited since the latest status update that left the sides apart.
    commitment.awaiting_side = outcome.awaiting
    commitment.awaiting_since = update.created_at if outcome.awaiting else None
    versioned_save(commitment)
    assessed = {"side": side, "status": status, "kind": kind}
    emit(Event(T.COMMITMENT_SIDE_REPORTED, commitment, assessed, author))
    if update.from_status != update.to_status:
        official = {"status": [update.from_status, update.to_status]}
        emit(Event(T.COMMITMENT_STATUS_CHANGED, commitment, official, author))
    progress = ["progress"] if update.from_progress != update.to_progress else []
    emit(item_changed(commitment, progress, author), figures_changed(author))
    return update


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
    """Append a status update to a locked commitment's trail and move its official status and
    progress.

    With `save=False` the caller saves the commitment, after setting what else the status update
    changes (a side's assessment)."""
    update = StatusUpdate(
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
    update.full_clean(exclude=["commitment", "author"])
    update.save()
    commitment.status = status
    commitment.progress = progress
    if save:
        versioned_save(commitment)
    return update
