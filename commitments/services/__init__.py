"""Writes and business rules for commitments. The admin, UI, API and tasks all call these.

One module per concern; every service is importable from here (`services.milestone_create`).
"""

from .commitments import (
    COMMITMENT_EDITABLE_FIELDS,
    COMMITMENT_OWNER_FIELDS,
    commitment_create,
    commitment_update,
    owner_check,
)
from .contexts import CONTEXT_MAX_LENGTH, context_side_check, context_write
from .markings import marking_change
from .milestones import (
    MILESTONE_COMPLETION,
    MILESTONE_EDITABLE_FIELDS,
    commitment_progress_from_milestones,
    milestone_complete,
    milestone_create,
    milestone_delete,
    milestone_reopen,
    milestone_update,
)
from .proposals import (
    terms_confirm,
    terms_decline,
    terms_propose,
    terms_side,
    terms_sides,
    terms_text,
    terms_withdraw,
)
from .roles import roles_sync
from .status_updates import assessment_confirm, status_update_create, status_update_side

__all__ = [
    "COMMITMENT_EDITABLE_FIELDS",
    "COMMITMENT_OWNER_FIELDS",
    "CONTEXT_MAX_LENGTH",
    "MILESTONE_COMPLETION",
    "MILESTONE_EDITABLE_FIELDS",
    "assessment_confirm",
    "commitment_create",
    "commitment_progress_from_milestones",
    "commitment_update",
    "context_side_check",
    "context_write",
    "marking_change",
    "milestone_complete",
    "milestone_create",
    "milestone_delete",
    "milestone_reopen",
    "milestone_update",
    "owner_check",
    "roles_sync",
    "status_update_create",
    "status_update_side",
    "terms_confirm",
    "terms_decline",
    "terms_propose",
    "terms_side",
    "terms_sides",
    "terms_text",
    "terms_withdraw",
]
