from django.contrib.auth import middleware

# The API answers 401 itself (token or session); the admin has its own log-in; static files
# and the calendar feed (a key in its URL) are reached without a session.
OPEN_PREFIXES = ("/api/", "/admin/", "/static/")


class LoginRequiredMiddleware(middleware.LoginRequiredMiddleware):
    """Every page of the tracker needs a log-in, except the ones that authenticate otherwise."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
