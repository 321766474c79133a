"""What every browser view shares: a role to read, and htmx-aware responses."""

from django.core.exceptions import PermissionDenied, ValidationError

from .. import permissions


def require_reader(request) -> None:
    """Refuse (403) a signed-in user who holds no role."""
    if not permissions.can_read(request.user):
        raise PermissionDenied("Your account has no role in the tracker yet.")


def is_htmx(request) -> bool:
    """Say whether htmx sent the request, so the view answers with a fragment."""
    return request.headers.get("HX-Request") == "true"


class ReaderRequiredMixin:
    """Class-based views: only users with a role (login is required everywhere already)."""

    def dispatch(self, request, *args, **kwargs):
        require_reader(request)
        return super().dispatch(request, *args, **kwargs)


def form_add_errors(form, error: ValidationError) -> None:
    """Show a service's refusal beside the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def resubmission(request, current):
    """What the user sent, against `current`'s version: after a refused stale write, the form
    keeps their input and can be sent again now that they have seen what changed."""
    data = request.POST.copy()
    data["version"] = current.version
    return data
