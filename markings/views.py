"""The page action that re-marks an item, from the commitment and meeting pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from access import permissions
from access.choices import Marking
from commitments import services

from .kinds import markable_item, pillar_of


@require_POST
def marking_set(request, kind: str, pk: int):
    """Give an item the marking posted, then go back to the page it was changed on."""
    permissions.require_reader(request)
    item = markable_item(kind, pk, request.user)
    marking = request.POST.get("marking", "")
    try:
        services.marking_change(
            item=item, actor=request.user, marking=marking, pillar_id=pillar_of(kind, item)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, gettext("Now marked %(marking)s.") % {"marking": Marking(marking).label}
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)
