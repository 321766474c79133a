"""Each government's own context of a commitment, on its page: read as the reader may, and
written by that side's analysts of the pillar alone (`services.context_write`)."""

from django.http import Http404
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from access import permissions
from access.choices import Side
from declaration_tracker.core.views import form_write

from .. import selectors, services
from ..forms import CommitmentContextForm
from ..models import Commitment, CommitmentContext
from .commitments import _answer, _commitment, _done, context_panels


@require_POST
def context_write(request, code: str, side: str):
    permissions.require_reader(request)
    commitment = _commitment(request, code)
    if side not in Side.values:
        raise Http404("No such side.")
    services.context_side_check(request.user, commitment, side)
    current = selectors.side_context(request.user, commitment, side)
    form = CommitmentContextForm(request.POST, user=request.user, side=side, current=current)
    if not form.is_valid():
        return _answer_context(request, commitment, form)
    data = form.cleaned_data
    written = form_write(
        request,
        form,
        lambda: services.context_write(
            commitment=commitment,
            actor=request.user,
            side=side,
            text=data["text"],
            marking=data["marking"],
            expected_version=data["version"],
        ),
        reload=lambda: _current(request, commitment, side),
        rebuild=lambda retry, fresh: CommitmentContextForm(
            retry, user=request.user, side=side, current=fresh
        ),
    )
    if not written.ok:
        return _answer_context(request, commitment, written.form, stale=bool(written.conflict))
    return _done(
        request,
        commitment,
        gettext("%(side)s's context of %(code)s saved.")
        % {"side": Side(side).label, "code": commitment.code},
    )


def _current(request, commitment: Commitment, side: str) -> CommitmentContext:
    """The side's context as it is now; one not written yet is version 0."""
    found = selectors.side_context(request.user, commitment, side)
    return found or CommitmentContext(commitment=commitment, side=side, version=0)


def _answer_context(request, commitment: Commitment, form, *, stale: bool = False):
    if stale:
        form.add_error(
            None,
            gettext(
                "Someone of your side changed this context since you loaded the page: it is "
                "shown as it is now. Check it, then save yours again."
            ),
        )
    answer = _answer(
        request, commitment, side_contexts=context_panels(commitment, request.user, form)
    )
    answer.status_code = 409 if stale else 400
    return answer
