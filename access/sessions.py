"""Sessions: a user sees where they are signed in and ends any of those sessions; a side's
administrator ends every session of a user of their side.

The sessions are django-allauth's `UserSession` records (when, from which address and browser,
last seen), kept by `allauth.usersessions`' middleware.
"""

from allauth.usersessions.models import UserSession
from django.contrib.auth import logout
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST


def user_sessions_end(user) -> None:
    """End every session of `user` at once: their session epoch moves on (so no session they
    signed in before is valid any more, wherever it is stored) and the records go."""
    type(user)._base_manager.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.session_epoch += 1
    for session in UserSession.objects.filter(user=user):
        session.end()


def session_list(request):
    """The signed-in user's sessions, newest activity first, the current one marked."""
    sessions = sorted(
        UserSession.objects.purge_and_list(request.user),
        key=lambda session: session.last_seen_at,
        reverse=True,
    )
    current = request.session.session_key
    return render(
        request,
        "account/sessions.html",
        {"sessions": sessions, "current": current},
    )


@require_POST
def session_end(request, pk: int):
    """End one of the user's own sessions (another user's is a 404); ending the current one
    signs them out."""
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    current = session.session_key == request.session.session_key
    session.end()
    if current:
        logout(request)
        return redirect("account_login")
    return redirect("sessions")
