"""Shared terms: a commitment's terms both governments hold (`SHARED_TERMS`: its lead side,
start and target dates, priority) change only by one side's proposal and the other's
confirmation, as the official status does.

- An analyst of the pillar proposes for their own side (`commitment_update` with such terms
  calls `terms_propose`); the commitment keeps its terms, the proposal waits, pending.
- The other side's analyst of the pillar confirms it (the terms take the proposed values) or
  declines it, with a note; the proposing side may withdraw it. The proposing side confirming
  or declining its own proposal is refused (403); a user of neither side may do none of this.
- A side proposing a term its own pending proposal already proposes replaces that proposal
  (withdrawn, "Replaced by a newer proposal", with its own `commitment.terms_decided`); a side
  proposing a term the other side's pending proposal proposes is refused (409): it answers that
  proposal first.
- Every step appends an entry to the trail (kind `terms`, a tracker message naming each term
  and its values), is in the audit log (the proposal is an audited model), and emits
  `commitment.terms_proposed` or `commitment.terms_decided` (a confirmation also
  `commitment.changed`).
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import permissions
from access.choices import Marking, Side
from audit.recording import acting_as
from declaration_tracker.core.events import Event, emit, figures_changed
from declaration_tracker.core.versioning import ConflictError, lock_for_write, versioned_save

from .. import trail_messages
from ..choices import TrailKind
from ..events import T, item_changed
from ..models import (
    Commitment,
    ProposalState,
    SharedTermChange,
    StatusUpdate,
    User,
)


def terms_side(actor: User, pillar_id: int) -> str:
    """The side `actor` proposes or answers for on a commitment of the pillar: their own, as
    an analyst of the pillar (or a superuser of a side). Anyone else is refused (403)."""
    permissions.require_edit_pillar(actor, pillar_id)
    if actor.side not in Side.values:
        raise PermissionDenied(
            _(
                "Only a user of one of the two governments may propose or answer a change of "
                "a commitment's shared terms."
            )
        )
    return actor.side


def terms_sides(user, commitment: Commitment) -> str:
    """The side `user` may propose or answer for on `commitment`, or "" (no control)."""
    if not user.is_authenticated or not permissions.can_edit_pillar(user, commitment.pillar_id):
        return ""
    return user.side if user.side in Side.values else ""


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _value(name: str, raw: Any) -> Any:
    return Commitment._meta.get_field(name).to_python(raw)


def terms_text(change: SharedTermChange) -> str:
    """Each term of a proposal, its value before and the one proposed: `priority medium →
    high, target_date 2026-08-29 → 2027-03-31`."""
    return ", ".join(
        f"{name} {change.before.get(name) or '—'} → {change.fields[name] or '—'}"
        for name in sorted(change.fields)
    )


def _trail(commitment: Commitment, *, actor: User, side: str, key: str, params: dict) -> None:
    """Append the step to the locked commitment's trail; the caller saves the commitment."""
    entry = StatusUpdate(
        commitment=commitment,
        author=actor,
        side=side,
        kind=TrailKind.TERMS,
        from_status=commitment.status,
        to_status=commitment.status,
        from_progress=commitment.progress,
        to_progress=commitment.progress,
        note=trail_messages.english(key, params),
        marking=Marking.BILATERAL,
        message=key,
        message_params=params,
        version=commitment.version + 1,
    )
    entry.full_clean(exclude=["commitment", "author"])
    entry.save()


def _event(change: SharedTermChange, actor: User, kind: str) -> Event:
    return Event(
        kind,
        change.commitment,
        {
            "id": change.pk,
            "side": change.proposed_by_side,
            "fields": sorted(change.fields),
            "state": change.state,
        },
        actor,
    )


def _no_milestone_before(commitment: Commitment, start, actor: User) -> None:
    """Refuse a start date after a milestone's due date (naming it to a reader of it)."""
    if not start:
        return
    early = commitment.milestones.filter(due_date__lt=start)
    if early.exists():
        named = early.visible_to(actor).first()
        message = (
            _("Milestone “%(title)s” is due before this start date.") % {"title": named.title}
            if named is not None
            else _("A milestone you cannot read is due before this start date.")
        )
        raise ValidationError({"start_date": message})


def terms_propose(
    current: Commitment, *, actor: User, side: str, values: dict[str, Any]
) -> SharedTermChange | None:
    """Record `side`'s proposal of new `values` for shared terms of the commitment, locked by
    the caller (`commitment_update`), who saves it. Terms proposed at their present value are
    left out; None if none is left."""
    errors = {}
    proposed = {}
    for name, raw in values.items():
        try:
            value = Commitment._meta.get_field(name).clean(raw, current)
        except ValidationError as exc:
            errors[name] = exc.messages
            continue
        if value != getattr(current, name):
            proposed[name] = value
    if errors:
        raise ValidationError(errors)
    if not proposed:
        return None
    start = proposed.get("start_date", current.start_date)
    target = proposed.get("target_date", current.target_date)
    if start and target and target < start:
        raise ValidationError(
            {"target_date": _("The target date cannot be before the start date.")}
        )
    _no_milestone_before(current, proposed.get("start_date"), actor)
    pending = list(current.term_changes.select_for_update().filter(state=ProposalState.PENDING))
    for other in pending:
        if other.proposed_by_side != side and set(other.fields) & set(proposed):
            message = _(
                "%(side)s's proposed change of %(terms)s (#%(id)s) awaits your side's answer: "
                "confirm or decline it before proposing another."
            )
            raise ConflictError(
                message
                % {
                    "side": Side(other.proposed_by_side).label,
                    "terms": ", ".join(sorted(set(other.fields) & set(proposed))),
                    "id": other.pk,
                }
            )
    now = timezone.now()
    replaced = []
    for own in pending:
        if own.proposed_by_side == side and set(own.fields) & set(proposed):
            own.state = ProposalState.WITHDRAWN
            own.decided_by, own.decided_at = actor, now
            own.note = "Replaced by a newer proposal."
            own.save()
            replaced.append(own)
    change = SharedTermChange.objects.create(
        commitment=current,
        fields={name: _json(value) for name, value in proposed.items()},
        before={name: _json(getattr(current, name)) for name in proposed},
        proposed_by=actor,
        proposed_by_side=side,
        proposed_at=now,
    )
    _trail(
        current, actor=actor, side=side, key="terms_proposed", params={"terms": terms_text(change)}
    )
    # A replaced proposal is answered (withdrawn) as any other, for those who follow its id.
    emit(
        *[_event(own, actor, T.TERMS_DECIDED) for own in replaced],
        _event(change, actor, T.TERMS_PROPOSED),
    )
    return change


def _decide(
    change: SharedTermChange,
    *,
    actor: User,
    expected_version: int | None,
    own_side: bool,
) -> tuple[Commitment, SharedTermChange, str]:
    """Check who answers and lock the commitment and the proposal, still pending."""
    side = terms_side(actor, change.commitment.pillar_id)
    if own_side and side != change.proposed_by_side:
        raise PermissionDenied(_("Only the side that proposed a change may withdraw it."))
    if not own_side and side == change.proposed_by_side:
        raise PermissionDenied(
            _("A side cannot confirm its own proposal, nor decline it: the other side answers.")
        )
    current = lock_for_write(change.commitment, expected_version)
    locked = SharedTermChange.objects.select_for_update().get(pk=change.pk)
    if locked.state != ProposalState.PENDING:
        raise ConflictError(
            _("This proposal is no longer pending: it was %(state)s.")
            % {"state": ProposalState(locked.state).label.lower()}
        )
    locked.commitment = current
    return current, locked, side


def _decided(change: SharedTermChange, state: str, actor: User, note: str) -> None:
    change.state = state
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.note = note
    change.save()


@acting_as("actor")
def terms_confirm(
    *,
    change: SharedTermChange,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
) -> SharedTermChange:
    """The other side confirms a proposal: the commitment takes the proposed terms."""
    with transaction.atomic():
        current, change, side = _decide(
            change, actor=actor, expected_version=expected_version, own_side=False
        )
        before = {name: getattr(current, name) for name in change.fields}
        for name, raw in change.fields.items():
            setattr(current, name, _value(name, raw))
        current.inferred_fields = [f for f in current.inferred_fields if f not in change.fields]
        _decided(change, ProposalState.CONFIRMED, actor, (note or "").strip())
        _trail(
            current,
            actor=actor,
            side=side,
            key="terms_confirmed",
            params={"terms": terms_text(change)},
        )
        versioned_save(current)
        if "start_date" in change.fields:
            _no_milestone_before(current, current.start_date, actor)
        fields = [name for name in change.fields if getattr(current, name) != before[name]]
        emit(
            _event(change, actor, T.TERMS_DECIDED),
            item_changed(current, fields, actor),
            figures_changed(actor),
        )
    return change


@acting_as("actor")
def terms_decline(
    *,
    change: SharedTermChange,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
) -> SharedTermChange:
    """The other side declines a proposal, saying why: the terms stay as they are."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("A note is required: say why the change is declined.")})
    with transaction.atomic():
        current, change, side = _decide(
            change, actor=actor, expected_version=expected_version, own_side=False
        )
        _decided(change, ProposalState.DECLINED, actor, note)
        params = {"terms": terms_text(change), "note": note}
        _trail(current, actor=actor, side=side, key="terms_declined", params=params)
        versioned_save(current)
        emit(_event(change, actor, T.TERMS_DECIDED))
    return change


@acting_as("actor")
def terms_withdraw(
    *,
    change: SharedTermChange,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
) -> SharedTermChange:
    """The proposing side withdraws its proposal: the terms stay as they are."""
    with transaction.atomic():
        current, change, side = _decide(
            change, actor=actor, expected_version=expected_version, own_side=True
        )
        _decided(change, ProposalState.WITHDRAWN, actor, (note or "").strip())
        _trail(
            current,
            actor=actor,
            side=side,
            key="terms_withdrawn",
            params={"terms": terms_text(change)},
        )
        versioned_save(current)
        emit(_event(change, actor, T.TERMS_DECIDED))
    return change
