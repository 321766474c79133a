"""Who may write through the discussion API: its readers read; the analysts and managers of a
side write comments and attach documents (the services check again). Not the tracker's
default permission, which lets only analysts write: managers discuss too."""

from access import permissions
from commitments.api.permissions import ReadersRead


class DiscussPermission(ReadersRead):
    write_message = (
        "Only the analysts and managers of a side comment on items and attach documents."
    )

    def may_write(self, request, view) -> bool:
        return permissions.can_discuss(request.user)
