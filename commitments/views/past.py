"""Pages that can show the past: `?as_of=` read once, a bad value answered with a 400."""

import functools

from django.core.exceptions import ValidationError
from django.shortcuts import render

from .. import history


def with_as_of(view):
    """Give the view `request.as_of`: the instant its `as_of` parameter names, or None. A bad,
    future or pre-declaration value is a 400 page naming the parameter and saying why."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            request.as_of = history.as_of_parse(request.GET.get("as_of"))
        except ValidationError as error:
            return bad_parameter(request, error)
        return view(request, *args, **kwargs)

    return wrapper


def bad_parameter(request, error: ValidationError):
    """The 400 page for a query parameter a service refused: it names the parameter (the
    error's first field) and says why."""
    name, messages = next(iter(error.message_dict.items()))
    return render(
        request, "bad_parameter.html", {"parameter": name, "messages_": messages}, status=400
    )
