"""Each government's own context of a commitment.

A commitment carries the tracker's note (`Commitment.context`, from the data file, which no
user edits) and one context per side (`CommitmentContext`), written by that side's analysts of
the pillar alone, under a marking that side chooses. Writing one changes nothing of the
commitment: not its version (its ETag), its `updated_at`, its trail or its events, so a
national-only context leaves nothing the other government can observe. The audit log records
each change, under the context's marking.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from access import permissions, visibility
from access.choices import Marking, Side
from audit.recording import acting_as
from declaration_tracker.core.versioning import StaleVersionError, versioned_save

from ..models import Commitment, CommitmentContext, User

# The longest context a side may write, in characters: background, not a document.
CONTEXT_MAX_LENGTH = 4000


def context_side_check(actor: User, commitment: Commitment, side: str) -> None:
    """Refuse (403) a writer who is not an analyst of the commitment's pillar acting for
    `side`: each government writes its own context, nobody the other's."""
    if side not in Side.values:
        raise ValidationError(
            {"side": _("“%(value)s” is not a side; choose india or japan.") % {"value": side}}
        )
    permissions.require_edit_pillar(actor, commitment.pillar_id)
    permissions.require(
        permissions.acts_for(actor, side),
        _("This context belongs to %(side)s: only %(side)s's users may write it.")
        % {"side": Side(side).label},
    )


@acting_as("actor")
def context_write(
    *,
    commitment: Commitment,
    actor: User,
    side: str,
    text: str,
    marking: str | None = None,
    expected_version: int | None = None,
) -> CommitmentContext:
    """Write `side`'s context of `commitment` (creating it on first write), and re-mark it if
    `marking` is given: its own side's users only, as `visibility.marking_check` rules (a
    new context is bilateral unless told otherwise). `expected_version` is the context's
    version the writer saw (None: no check; 0: the writer saw none, so another's first write
    is a conflict)."""
    context_side_check(actor, commitment, side)
    text = (text or "").strip()
    if len(text) > CONTEXT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("A context is at most %(n)s characters; this one has %(m)s.")
                % {"n": CONTEXT_MAX_LENGTH, "m": len(text)}
            }
        )
    with transaction.atomic():
        existing = (
            CommitmentContext.objects.select_for_update()
            .filter(commitment=commitment, side=side)
            .first()
        )
        if existing is None:
            if expected_version not in (None, 0):
                raise StaleVersionError(
                    CommitmentContext(commitment=commitment, side=side, version=0),
                    expected_version,
                )
            wanted = marking or Marking.BILATERAL
            visibility.marking_check(actor, wanted, current=None, origin=side)
            created = CommitmentContext(
                commitment=commitment, side=side, text=text, marking=wanted, updated_by=actor
            )
            try:
                with transaction.atomic():
                    return versioned_save(created)
            except IntegrityError:
                # Another writer of the same side made it first: this writer saw none.
                found = CommitmentContext.objects.get(commitment=commitment, side=side)
                raise StaleVersionError(found, 0) from None
        current = existing  # locked by the read above
        if expected_version is not None and current.version != expected_version:
            raise StaleVersionError(current, expected_version)
        remark = marking is not None and marking != current.marking
        if remark:
            visibility.marking_check(actor, marking, current=current.marking, origin=side)
            visibility.holders_check(current, marking)
        if current.text == text and not remark:
            return current  # nothing to change: no version moves, nothing is recorded
        current.text = text
        current.marking = marking if remark else current.marking
        current.updated_by = actor
        return versioned_save(current)
