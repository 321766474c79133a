"""The API's gate: the role rules of commitments.permissions, as a DRF permission class."""

from rest_framework import permissions as drf

from .. import permissions


class TrackerPermission(drf.BasePermission):
    """Signed-in users with a role read; analysts write in their pillars; superusers anything.

    A view names the pillar of an object with `pillar_id_of(obj)`; services check again.
    """

    message = "You do not have permission to do this."

    def has_permission(self, request, view) -> bool:
        if not permissions.can_read(request.user):
            return False
        if request.method in drf.SAFE_METHODS:
            return True
        self.message = "Only analysts, in the pillars assigned to them, may change data."
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
        pillar_id = view.pillar_id_of(obj)
        return permissions.can_edit_pillar(request.user, pillar_id) or self._reassigns_owners(
            request, view
        )
