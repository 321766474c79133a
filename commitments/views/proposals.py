"""Answering a proposed change of a commitment's shared terms on its page: the other side
confirms or declines it, the proposing side withdraws it (`services.proposals`)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from access import permissions
from access.choices import Side
from declaration_tracker.core.versioning import ConflictError, StaleVersionError

from .. import services
from ..models import SharedTermChange
from .commitments import _answer, _commitment, _done

ANSWERS = {
    "confirm": services.terms_confirm,
    "decline": services.terms_decline,
    "withdraw": services.terms_withdraw,
}


@require_POST
def term_change_answer(request, code: str, pk: int, answer: str):
    permissions.require_reader(request)
    service = ANSWERS.get(answer)
    if service is None:
        raise Http404
    commitment = _commitment(request, code)
    change = get_object_or_404(
        SharedTermChange.objects.select_related("commitment"), pk=pk, commitment=commitment
    )
    try:
        service(change=change, actor=request.user, note=request.POST.get("note", ""))
    except (ValidationError, ConflictError, StaleVersionError) as exc:
        message = " ".join(getattr(exc, "messages", [str(exc)]))
        refused = _answer(
            request, _commitment(request, code), terms_error={"id": change.pk, "message": message}
        )
        refused.status_code = 409 if isinstance(exc, ConflictError) else 400
        return refused
    side = Side(change.proposed_by_side).label
    done = {
        "confirm": gettext("%(side)s's proposed change of %(code)s confirmed: it now applies."),
        "decline": gettext("%(side)s's proposed change of %(code)s declined."),
        "withdraw": gettext("%(side)s's proposed change of %(code)s withdrawn."),
    }[answer]
    return _done(request, commitment, done % {"side": side, "code": commitment.code})
