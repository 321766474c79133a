"""The API's gate: the role rules of access.permissions, as a DRF permission class."""

from rest_framework import permissions as drf

from access import permissions


class ReadersRead(drf.BasePermission):
    """Signed-in users with a role (and the operator) read; the operator writes nothing; who
    else writes is `may_write`'s to say (`write_message` says who, when refused)."""

    message = "You do not have permission to do this."
    write_message = message

    def has_permission(self, request, view) -> bool:
        if not permissions.can_read(request.user):
            return False
        if request.method in drf.SAFE_METHODS:
            return True
        if permissions.is_operator(request.user):
            self.message = str(permissions.OPERATOR_WRITES_NOTHING)
            return False
        self.message = self.write_message
        return self.may_write(request, view)

    def may_write(self, request, view) -> bool:
        return False


class TrackerPermission(ReadersRead):
    """Signed-in users with a role (and the operator) read; analysts write in their pillars;
    the operator writes nothing.

    A view whose objects are written names an object's pillar with `pillar_id_of(obj)`; in a
    view that names none, nobody may change an object. Services check again.
    """

    write_message = "Only analysts, in the pillars assigned to them, may change data."

    def may_write(self, request, view) -> bool:
        return permissions.can_edit_any(request.user) or self._reassigns_owners(request, view)

    @staticmethod
    def _reassigns_owners(request, view) -> bool:
        """A manager may change an existing commitment's owners (PUT/PATCH), nothing else."""
        return (
            request.method in ("PUT", "PATCH")
            and getattr(view, "allow_owner_reassignment", False)
            and permissions.can_reassign_owners(request.user)
        )

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in drf.SAFE_METHODS:
            return True
        self.message = "Only an analyst assigned to this pillar may change it."
        pillar_id_of = getattr(view, "pillar_id_of", None)
        pillar_id = pillar_id_of(obj) if pillar_id_of else None
        return permissions.can_edit_pillar(request.user, pillar_id) or self._reassigns_owners(
            request, view
        )
