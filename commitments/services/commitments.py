"""Writing a commitment: its details, its owners, a commitment beyond the declaration."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access import permissions, visibility
from access.choices import Marking, Side, counterpart
from audit.recording import acting_as
from declaration_tracker.core.events import changed as fields_changed
from declaration_tracker.core.events import emit, figures_changed, snapshot
from declaration_tracker.core.versioning import lock_for_write, versioned_save

from .. import selectors
from ..events import item_changed
from ..models import SHARED_TERMS, Commitment, Declaration, Organisation, User
from .proposals import terms_propose, terms_side

COMMITMENT_EDITABLE_FIELDS = frozenset(
    {
        "title",
        "description",
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
    if marking is not None and not visibility.may_read(owner, marking):
        message = _("%(user)s cannot own this: they may not read an item marked %(marking)s.")
        raise ValidationError(
            {"owner": message % {"user": owner, "marking": Marking(marking).label}}
        )
    if owner.pk == current_owner_id:
        return
    if not selectors.owner_candidates().filter(pk=owner.pk).exists():
        message = _("%(user)s cannot own this: they have no role in the tracker.")
        raise ValidationError({"owner": message % {"user": owner}})


COMMITMENT_OWNER_FIELDS = frozenset(
    {"responsible_india", "responsible_japan", "lead_organisations"}
)


def side_owners_check(actor: User, current: Commitment, changes: dict[str, Any]) -> None:
    """Each side's owners are its own: a side's responsible user is set by that side's users
    only (403 otherwise), and is one of that government's (400 naming the field); lead
    organisations sent by one side replace that side's only, the other government's staying
    as they are, and another of the other government's is refused (400). Changes
    `lead_organisations` in `changes` to the whole set to keep."""
    for side in Side.values:
        field = f"responsible_{side}"
        if field not in changes:
            continue
        permissions.require(
            actor.side == side,
            _("Only %(side)s's users set %(side)s's responsible user.")
            % {"side": Side(side).label},
        )
        user = changes[field]
        if user is not None and user.side != side:
            message = _("%(user)s is not of %(side)s's government: choose one of its users.")
            raise ValidationError({field: message % {"user": user, "side": Side(side).label}})
    if "lead_organisations" not in changes:
        return
    permissions.require(
        actor.side in Side.values,
        _("Only a user of one of the two governments sets its lead organisations."),
    )
    other = counterpart(actor.side)
    sent = list(
        Organisation.objects.filter(
            pk__in=[getattr(o, "pk", o) for o in changes["lead_organisations"]]
        )
    )
    held = [o for o in current.lead_organisations.all() if o.side == other]
    theirs = {o.pk for o in sent if o.side == other}
    if theirs - {o.pk for o in held}:
        message = _(
            "%(organisations)s: an organisation of %(side)s, whose lead organisations are "
            "%(side)s's to set."
        )
        names = ", ".join(sorted(str(o) for o in sent if o.side == other and o.pk in theirs))
        raise ValidationError(
            {"lead_organisations": message % {"organisations": names, "side": Side(other).label}}
        )
    changes["lead_organisations"] = [o for o in sent if o.side != other] + held


@acting_as("actor")
def commitment_update(
    *, commitment: Commitment, actor: User, expected_version: int, **changes: Any
) -> Commitment:
    """Change a commitment's details or owners. Status and progress change via status updates.

    Its shared terms (`SHARED_TERMS`) are not changed but proposed, for the other side to
    confirm (`services.proposals`); the other fields apply at once. The proposal, if one was
    made, is the returned commitment's `proposal` (else None).
    """
    unknown = set(changes) - COMMITMENT_EDITABLE_FIELDS - COMMITMENT_OWNER_FIELDS
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be changed here.") for field in sorted(unknown)}
        )
    if set(changes) & COMMITMENT_EDITABLE_FIELDS:
        permissions.require_edit_pillar(actor, commitment.pillar_id)
    shared = {name: changes.pop(name) for name in SHARED_TERMS if name in changes}
    side = terms_side(actor, commitment.pillar_id) if shared else ""
    if set(changes) & COMMITMENT_OWNER_FIELDS:
        permissions.require(
            permissions.can_reassign_owners(actor)
            or permissions.can_edit_pillar(actor, commitment.pillar_id),
            _("Only a manager or an analyst of this pillar may reassign owners."),
        )
    with transaction.atomic():
        current = lock_for_write(commitment, expected_version)
        side_owners_check(actor, current, changes)
        if "marking" in changes:
            visibility.marking_check(actor, changes["marking"], current=current.marking, origin="")
        before = snapshot(current, [*changes.keys() - {"lead_organisations"}, "inferred_fields"])
        # A value a user sets is theirs, no longer the tracker's inference.
        current.inferred_fields = [f for f in current.inferred_fields if f not in changes]
        organisations = changes.pop("lead_organisations", None)
        for field, value in changes.items():
            setattr(current, field, value)
        if "marking" in changes:
            # As `marking_change`: no responsible user is left unable to read what it marks.
            visibility.holders_check(current, current.marking)
        proposal = terms_propose(current, actor=actor, side=side, values=shared) if shared else None
        versioned_save(current)
        current.proposal = proposal
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


@acting_as("actor")
def commitment_create(*, actor: User, **fields: Any) -> Commitment:
    """Add a commitment beyond those loaded from the data file (its clause quoted verbatim from
    the text the tracker holds, the published summary of the declaration)."""
    pillar = fields["pillar"]
    permissions.require_edit_pillar(actor, pillar.pk)
    organisations = fields.pop("lead_organisations", [])
    for side in Side.values:
        user = fields.get(f"responsible_{side}")
        if user is not None and user.side != side:
            message = _("%(user)s is not of %(side)s's government: choose one of its users.")
            raise ValidationError(
                {f"responsible_{side}": message % {"user": user, "side": Side(side).label}}
            )
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
                    "source_clause": _(
                        "Quote the summary of the declaration verbatim from paragraph %(n)s."
                    )
                    % {"n": number}
                }
            )
        versioned_save(commitment)
        commitment.lead_organisations.set(organisations)
        emit(figures_changed(actor))
    return commitment
