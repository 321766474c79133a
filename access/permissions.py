"""Who may do what: the one place the admin, the browser UI, the API and tasks ask.

Everyone who is signed in and holds a role reads what their side's markings allow. Analysts
write in the pillars assigned to them; managers reassign owners, report and export; side
administrators administer their own government's users.

Each government answers for its own part of the record: every milestone, meeting, action item
and status report belongs to a side (`item.side`: the side it reports for, or of whoever added
it), and only that side's users change it (`can_change_item`).

The operator (a superuser) runs the system for both governments and acts for neither: it has no
side (`User.save` and a database constraint see to it), so it reads what a public reader reads;
it holds no role, so it writes, confirms, reports and exports nothing (a 403); it administers
accounts and the system's settings in the admin, every action shown to both governments'
administrators (`audit.recording`).
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .choices import Role, Side

# A pillar, its id, or None (no pillar). Neither the pillar nor the user model is imported:
# access lies below commitments, which defines them.
PillarRef = Model | int | None

# The model permissions each role's group holds, by app label. Writes are further limited to
# assigned pillars by the object-level checks below.
READ_MODELS = {
    "commitments": [
        "declaration",
        "pillar",
        "organisation",
        "commitment",
        "milestone",
        "statusupdate",
    ],
    "dialogues": ["dialoguemechanism", "meeting", "actionitem"],
    # Written on the page and the API only: the admin lists them to read (discussion.admin).
    "discussion": ["comment", "attachment"],
}
DISCUSSION_READ = {"discussion": [f"view_{m}" for m in READ_MODELS["discussion"]]}
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    Role.VIEWER: {app: [f"view_{m}" for m in models] for app, models in READ_MODELS.items()},
    Role.MANAGER: {
        "commitments": [f"view_{m}" for m in READ_MODELS["commitments"]] + ["change_commitment"],
        "dialogues": [f"view_{m}" for m in READ_MODELS["dialogues"]],
        **DISCUSSION_READ,
    },
    # Reads as a viewer of their side does; administers their side's people and their API
    # keys (the admin's pages, limited to their side by `commitments.admin.UserAdmin` and
    # `access.admin.ApiKeyAdmin`).
    Role.ADMINISTRATOR: {
        "commitments": [f"view_{m}" for m in READ_MODELS["commitments"]]
        + ["view_user", "add_user", "change_user"],
        "dialogues": [f"view_{m}" for m in READ_MODELS["dialogues"]],
        "access": ["view_apikey", "change_apikey"],
        **DISCUSSION_READ,
    },
    Role.ANALYST: {
        "commitments": [f"view_{m}" for m in READ_MODELS["commitments"]]
        + [
            "change_commitment",
            "add_milestone",
            "change_milestone",
            "delete_milestone",
            "add_statusupdate",
        ],
        "dialogues": [f"view_{m}" for m in READ_MODELS["dialogues"]]
        + ["add_meeting", "change_meeting", "add_actionitem", "change_actionitem"],
        **DISCUSSION_READ,
    },
}


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """Return the role names the user holds, cached on the user object for the request. The
    operator holds none, whatever groups it is in: it acts for neither government."""
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return frozenset()
    cached = getattr(user, "_tracker_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True)) & set(Role.values)
        user._tracker_roles = cached
    return cached


def remember(user: AbstractBaseUser, *, roles, pillar_ids) -> None:
    """Cache what `roles_of` and `assigned_pillar_ids` would load (see `auth.UserBackend`)."""
    user._tracker_roles = frozenset(roles) & set(Role.values)
    user._tracker_pillar_ids = frozenset(pillar_ids)


def assigned_pillar_ids(user: AbstractBaseUser | AnonymousUser) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_tracker_pillar_ids", None)
    if cached is None:
        cached = frozenset(user.pillars.values_list("id", flat=True))
        user._tracker_pillar_ids = cached
    return cached


def is_superuser(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_operator(user) -> bool:
    """The operator runs the system (a superuser of no side): accounts, settings, periodic
    tasks, webhooks' health; never content."""
    return is_superuser(user)


def is_side_administrator(user) -> bool:
    """A side administrator: administers the users of their own government only."""
    return Role.ADMINISTRATOR in roles_of(user) and bool(own_side(user))


def may_administer(admin, user) -> bool:
    """Say whether `admin` may change `user` (their roles, pillars, activity, second factor,
    sessions): a side administrator, a user of their own side who is not the operator; the
    operator, anyone."""
    if is_operator(admin):
        return True
    return (
        is_side_administrator(admin) and not user.is_superuser and own_side(user) == own_side(admin)
    )


def can_read(user) -> bool:
    """Say whether the user reads the tracker (what their markings allow): anyone with a role,
    and the operator (what a public reader reads)."""
    return is_operator(user) or bool(roles_of(user))


def is_analyst(user) -> bool:
    return Role.ANALYST in roles_of(user)


def is_manager(user) -> bool:
    """A manager of a side (the operator is none)."""
    return Role.MANAGER in roles_of(user)


def can_edit_pillar(user, pillar: PillarRef) -> bool:
    """Say whether the user may write commitments, milestones and dialogue records of a pillar:
    an analyst assigned to it."""
    pillar_id = pillar.pk if isinstance(pillar, Model) else pillar
    return is_analyst(user) and pillar_id in assigned_pillar_ids(user)


def can_update_status_for(user, side: str) -> bool:
    """Say whether the user may add a status update for a side (give that side's assessment):
    an analyst, for their own side only.

    Whether they may write in the commitment's pillar is `can_edit_pillar`'s to say."""
    return is_analyst(user) and acts_for(user, side)


def status_sides(user, pillar: PillarRef) -> list[str]:
    """The sides the user may add a status update for on a commitment of `pillar`."""
    if not can_edit_pillar(user, pillar):
        return []
    return [side for side in Side.values if can_update_status_for(user, side)]


def own_side(user) -> str:
    """The government the user acts for: `india`, `japan`, or "" (the operator: neither)."""
    side = getattr(user, "side", "") or ""
    return side if side in Side.values else ""


def acts_for(user, side: str) -> bool:
    """Say whether the user acts for `side` (never the operator, of no side)."""
    return side in Side.values and own_side(user) == side


def owns(user, item) -> bool:
    """Say whether `item` (a milestone, meeting, action item or status report) belongs to the
    user's side: the one rule of who answers for an item."""
    return acts_for(user, getattr(item, "side", "") or "")


def item_pillar(item) -> int | None:
    """The id of the pillar an item is in, by its kind's `marking_pillar` path."""
    value = item
    for part in item.marking_pillar.split("."):
        value = getattr(value, part)
    return value


def can_change_item(user, item, pillar: PillarRef = None) -> bool:
    """Say whether the user may edit, complete, reopen, re-date, delete or re-mark `item`: an
    editor of its pillar (`pillar`, else the item's own) of the side the item belongs to.
    Nobody changes the other government's items; the operator changes none."""
    if pillar is None:
        pillar = item_pillar(item)
    return owns(user, item) and can_edit_pillar(user, pillar)


def can_add_items(user, pillar: PillarRef) -> bool:
    """Say whether the user may add milestones, meetings and action items in a pillar: an
    editor of it who acts for a side (each item belongs to the side of whoever adds it)."""
    return bool(own_side(user)) and can_edit_pillar(user, pillar)


def can_edit_any(user) -> bool:
    return is_analyst(user) and bool(assigned_pillar_ids(user))


def can_discuss(user) -> bool:
    """Say whether the user may comment on and attach documents to the items they read: an
    analyst or a manager of a side (their side answers for what they write); never a viewer,
    a side administrator or the operator."""
    return bool(own_side(user)) and bool(roles_of(user) & {Role.ANALYST, Role.MANAGER})


def can_read_audit_log(user) -> bool:
    """Managers and side administrators read the audit log (what their markings allow: the
    operator's actions included, which both governments see)."""
    return is_manager(user) or is_side_administrator(user)


def can_reassign_owners(user) -> bool:
    return is_manager(user)


def can_export(user) -> bool:
    return bool(roles_of(user) & {Role.MANAGER, Role.ANALYST})


def can_report(user) -> bool:
    """Say whether the user may make the summit report and the pre-meeting briefs: anyone who
    holds a role (each reads what their markings allow); never the operator, which reports for
    neither government."""
    return bool(roles_of(user))


def require(allowed: bool, message: str | None = None) -> None:
    """Raise PermissionDenied unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message or _("You do not have permission to do this."))


OPERATOR_WRITES_NOTHING = _lazy(
    "The operator acts for neither government and writes no content: an analyst of India or "
    "Japan does."
)


def require_not_operator(user) -> None:
    """Refuse the operator a write, saying why (before any rule of pillars or sides)."""
    require(not is_operator(user), str(OPERATOR_WRITES_NOTHING))


def require_edit_pillar(user, pillar: PillarRef) -> None:
    require_not_operator(user)
    require(
        can_edit_pillar(user, pillar),
        _("Only an analyst assigned to this pillar may change it."),
    )


def require_change_item(user, item, pillar: PillarRef = None) -> None:
    require_edit_pillar(user, pillar if pillar is not None else item_pillar(item))
    side = getattr(item, "side", "") or ""
    require(
        can_change_item(user, item, pillar),
        _("This item belongs to %(side)s: only %(side)s's users may change it.")
        % {"side": Side(side).label}
        if side in Side.values
        else _("This item belongs to neither side: nobody may change it."),
    )


def require_add_items(user, pillar: PillarRef) -> None:
    require_edit_pillar(user, pillar)
    require(
        can_add_items(user, pillar),
        _(
            "Your account acts for neither government, and every item belongs to the side of "
            "whoever adds it: ask an analyst of India or Japan to add it."
        ),
    )


def require_report(request) -> None:
    """Refuse (403) the operator, and anyone without a role, a report."""
    require(
        can_report(request.user),
        _("Reports are made by the two governments' users; the operator makes none."),
    )


def require_status_for(user, side: str) -> None:
    require_not_operator(user)
    require(
        can_update_status_for(user, side),
        _("An analyst reports their own government's assessment only."),
    )


def require_reader(request) -> None:
    """Refuse (403) a signed-in user who holds no role."""
    if not can_read(request.user):
        raise PermissionDenied(_("Your account has no role in the tracker yet."))
