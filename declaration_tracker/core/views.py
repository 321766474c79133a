"""What browser views of both apps share: htmx-aware answers, a service's refusals shown
beside the form, and a stale write turned into the form to send again."""

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import QueryDict

from .versioning import StaleVersionError

T = TypeVar("T")


def is_htmx(request) -> bool:
    """Say whether htmx sent the request, so the view answers with a fragment."""
    return request.headers.get("HX-Request") == "true"


def list_params(request) -> QueryDict:
    """The query string without empty values: a filter form sends every field."""
    params = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        kept = [value for value in values if value != ""]
        if kept:
            params.setlist(key, kept)
    return params


def page_size(params: QueryDict, sizes: tuple[int, ...], default: int) -> int:
    """The page size a list URL asks for, if it is one of `sizes`; else `default`."""
    try:
        asked = int(params.get("page_size", default))
    except ValueError:
        return default
    return asked if asked in sizes else default


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


@dataclasses.dataclass
class Conflict:
    """A write refused as stale: the object as it is now, and the version the user had seen."""

    object: Any
    seen_version: int | None


@dataclasses.dataclass
class FormWrite:
    """What became of a form's write: the saved result, or the form to show again (with the
    service's refusal beside its fields, or rebuilt from the user's input after a conflict)."""

    form: Any
    saved: Any = None
    conflict: Conflict | None = None

    @property
    def ok(self) -> bool:
        return self.saved is not None


def form_write(
    request,
    form,
    write: Callable[[], T],
    *,
    reload: Callable[[], Any],
    rebuild: Callable[[Any, Any], Any],
) -> FormWrite:
    """Run a service's write for a valid form; nothing is saved unless it succeeds.

    A stale write (someone else saved first) reloads the object and rebuilds the form with
    what the user sent, against the current version (`rebuild(data, fresh)`), so they can see
    what changed and send it again. A refusal names its fields beside them.
    """
    try:
        saved = write()
    except StaleVersionError as stale:
        fresh = reload()
        return FormWrite(
            form=rebuild(resubmission(request, fresh), fresh),
            conflict=Conflict(object=fresh, seen_version=stale.expected_version),
        )
    except ValidationError as error:
        form_add_errors(form, error)
        return FormWrite(form=form)
    return FormWrite(form=form, saved=saved if saved is not None else True)
