"""Release markings: who may read what. Every read of markable data asks here.

Four markings, widest reach first: `public` (may be published), `bilateral` (both
governments' users of the tracker; the default), `india_only` and `japan_only` (that
government's users only). A reader sees `public`, `bilateral` and their own side's national
items; a user with no side (the public reader, the operator) sees `public` only, so no
administrator reads the other government's national items.

What a marking governs differs by object, and so does what a reader outside it gets:

- a milestone or an action item: the whole row; outside, it does not exist (lists leave it
  out, counts do not count it, its URL is a 404);
- a status update: its note and evidence link; the statuses and progress it records stay
  visible to both sides, which the agreed official status needs;
- a meeting: its outcome summary; a commitment: the context added to it; an audit event: the
  values it recorded of a marked object.

Querysets are filtered with `visible()`, single values checked with `may_read()`, an object
read without the gate withheld with `as_read_by()`.
"""

from django.db.models import Q, QuerySet

from . import permissions
from .choices import MARKING_REACH, MARKING_SIDE, NATIONAL_MARKING, Marking, Side
from .markings import GateMiddleware, marked_fields, reading_as, system_reads, withhold

__all__ = ["GateMiddleware", "reading_as", "system_reads"]


def reader_markings(user) -> frozenset[str]:
    """The markings `user` may read, by their side; none for someone not signed in. (Whether
    they may read the tracker at all is their role's to say: `permissions.can_read`.)"""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_tracker_markings", None)
    if cached is not None:
        return cached
    markings = side_markings(user.side)
    user._tracker_markings = markings
    return markings


def side_markings(side: str) -> frozenset[str]:
    """The markings a signed-in reader of `side` reads (`public` alone for a side of none)."""
    allowed = {Marking.PUBLIC}
    if side in Side.values:
        allowed |= {Marking.BILATERAL, NATIONAL_MARKING[side]}
    return frozenset(str(m) for m in allowed)


def scope(user) -> str:
    """A name for what `user` may read, for caches shared by readers who see the same."""
    return "+".join(sorted(reader_markings(user))) or "nothing"


def may_read(user, marking: str) -> bool:
    """Say whether `user` may read what `marking` governs."""
    return marking in reader_markings(user)


def condition(user, field: str = "marking") -> Q:
    """The filter keeping rows whose `field` marking `user` may read."""
    return Q(**{f"{field}__in": sorted(reader_markings(user))})


def visible(queryset: QuerySet, user, field: str = "marking") -> QuerySet:
    """`queryset` without the rows `user` may not read (`field` names their marking)."""
    return queryset.filter(condition(user, field))


def readable(items, user) -> list:
    """The wholly marked objects of `items` (already read, e.g. reproduced as they stood in the
    past) that `user` may read."""
    return [item for item in items if may_read(user, item.marking)]


def withheld(user, marking: str, value, empty=""):
    """`value` if `user` may read what `marking` governs, else `empty`."""
    return value if may_read(user, marking) else empty


RESTRICTED = "restricted"


def as_read_by(item, user):
    """`item` as `user` may read it: the fields its marking governs blanked (in memory only)
    when they may not, and `item.withheld` saying so. For an item read without the gate (a
    status update reached through its commitment); a queryset's `visible_to(user)` does this
    itself."""
    if item is None:
        return None
    withhold(item, user)
    return item


def all_as_read_by(items, user) -> list:
    return [as_read_by(item, user) for item in items]


def audit_event_as_read_by(event, user):
    """The event as `user` may read it: outside its marking, a wholly marked object's event
    keeps only who, when and what kind (its object and values "restricted"), and a partly
    marked one's marked values are withheld. The event is changed in memory only."""
    if may_read(user, event.marking):
        event.restricted = False
        return event
    label = f"{event.content_type.app_label}.{event.content_type.model}"
    marked = marked_fields().get(label, ())
    event.restricted = True
    if marked is None:
        event.object_repr = RESTRICTED
        event.changes = {field: [RESTRICTED, RESTRICTED] for field in event.changes}
    else:
        event.changes = {
            field: [RESTRICTED, RESTRICTED] if field in marked else values
            for field, values in event.changes.items()
        }
    return event


# --- writing a marking ----------------------------------------------------------------------


def reach(marking: str) -> int:
    return MARKING_REACH[marking]


def item_side(item) -> str:
    """The government an item belongs to: a status update's side, the side of whoever added a
    milestone, meeting or action item; none for a commitment (both sides' record)."""
    return getattr(item, "side", "") or ""


def marking_check(
    user, marking: str, *, current: str | None = None, origin: str | None = None
) -> None:
    """Refuse giving an item `marking` (from `current`, for an existing item): an unknown value
    with a ValidationError naming the field (a 400), a marking the user may not give with
    PermissionDenied (a 403).

    - Only a user of a national marking's own side may mark an item national-only.
    - An item that belongs to a side (`origin`) is re-marked by that side's users only: the
      other government neither restricts nor publishes it.
    - An item may be made more restricted by its editors; a shared item of no side (a
      commitment's context) made national-only only by that side's managers, so neither
      government can take a shared item away from the other.
    - Less restricted (bilateral to public included) only by a manager of the side it belongs
      to, else of the side whose national marking it carries (any manager, for a commitment's
      bilateral context to public).
    """
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    if marking not in Marking.values:
        message = _("“%(value)s” is not a marking; choose one of %(choices)s.") % {
            "value": marking,
            "choices": ", ".join(Marking.values),
        }
        raise ValidationError({"marking": message})
    side = MARKING_SIDE.get(marking)
    if side is not None and marking != current and user.side != side:
        raise PermissionDenied(
            _("Only %(side)s's users may mark an item %(marking)s.")
            % {"side": Side(side).label, "marking": Marking(marking).label}
        )
    if current is None or current == marking:
        return
    if origin in Side.values and not permissions.acts_for(user, origin):
        raise PermissionDenied(
            _("This item belongs to %(origin)s: only %(origin)s may change its marking.")
            % {"origin": Side(origin).label}
        )
    manager = permissions.is_manager(user)
    if reach(marking) < reach(current):
        if MARKING_SIDE.get(current) and side and side != MARKING_SIDE[current]:
            raise PermissionDenied(_("An item of one side cannot be marked for the other only."))
        if side and not origin and not manager:
            raise PermissionDenied(
                _("Only %(side)s's managers may make this shared item %(marking)s.")
                % {"side": Side(side).label, "marking": Marking(marking).label}
            )
        return
    owner = origin or MARKING_SIDE.get(current)
    if not manager or (owner and user.side != owner):
        who = Side(owner).label if owner else _("either side")
        raise PermissionDenied(
            _("Only a manager of %(who)s may make this item less restricted.") % {"who": who}
        )


# The fields naming who owns or is assigned an item: they must still read it when re-marked.
HOLDER_FIELDS = ("owner", "responsible", "responsible_india", "responsible_japan")


def holders_check(item, marking: str) -> None:
    """Refuse (a 400 on `marking`) a marking under which one of the item's owners or assignees
    (a milestone's or action item's owner, a commitment's responsible users) could no longer
    read it, naming them: reassign them first."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    names = {field.name for field in item._meta.get_fields()}
    blind = []
    for field in HOLDER_FIELDS:
        holder = getattr(item, field, None) if field in names else None
        if holder is not None and not may_read(holder, marking) and holder not in blind:
            blind.append(holder)
    if blind:
        raise ValidationError(
            {
                "marking": _(
                    "Marked %(marking)s, this item could no longer be read by who owns or is "
                    "assigned it: %(users)s. Reassign it first."
                )
                % {
                    "marking": Marking(marking).label,
                    "users": ", ".join(user.get_username() for user in blind),
                }
            }
        )


def markings_offered(
    user, current: str | None = None, origin: str | None = None
) -> list[tuple[str, str]]:
    """The markings `user` may give an item now marked `current` (None: a new item) that
    comes from side `origin`."""
    from django.core.exceptions import PermissionDenied

    offered = []
    for value, label in Marking.choices:
        try:
            marking_check(user, value, current=current, origin=origin)
        except PermissionDenied:
            continue
        offered.append((value, label))
    return offered


def markings_changeable(
    user, current: str, *, may_edit: bool, origin: str | None = None
) -> list[tuple[str, str]]:
    """The other markings `user` may give an item marked `current` (as `marking_change` will
    accept): tighter ones if they may edit it or manage, looser ones if a manager of its side."""
    manager = permissions.is_manager(user)
    return [
        (value, label)
        for value, label in markings_offered(user, current, origin)
        if value != current and (reach(value) > reach(current) or may_edit or manager)
    ]
