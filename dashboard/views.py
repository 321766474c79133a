from django.shortcuts import render
from django.utils import timezone

from access.permissions import require_reader
from commitments.choices import LeadSide
from commitments.views.past import with_as_of

from .figures import dashboard_figures_cached


@with_as_of
def dashboard(request):
    """The managers' home: the figures /api/v1/dashboard/ serves, and charts drawn from it.

    Both come from `dashboard_figures`; the page gets them unformatted (dates as dates), the
    API as JSON through DashboardSerializer. With `as_of`, as they stood then.
    """
    require_reader(request)
    figures = dashboard_figures_cached(request.user, timezone.localdate(), request.as_of)
    # The lead-side rows and the "who leads" chart say something only once a commitment is led
    # by one side; while every one is joint, they would repeat the totals.
    one_side_leads = any(
        side["commitments"] for side in figures["lead_sides"] if side["lead_side"] != LeadSide.JOINT
    )
    return render(
        request,
        "commitments/dashboard.html",
        {"figures": figures, "as_of": request.as_of, "one_side_leads": one_side_leads},
    )
