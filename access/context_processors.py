from . import permissions


def tracker(request) -> dict:
    """What every page needs to know about the signed-in user's role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_edit_any": permissions.can_edit_any(user),
        "can_export": permissions.can_export(user),
        "is_manager": permissions.is_manager(user),
        "can_read_audit_log": permissions.can_read_audit_log(user),
        "can_report": permissions.can_report(user),
    }
