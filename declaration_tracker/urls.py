from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from dashboard.views import dashboard
from declaration.views import declaration_reader
from markings.views import marking_set
from operations.views import HealthView, metrics_view
from reports.views import mechanism_brief

admin.site.site_header = _("India–Japan declaration tracker")
admin.site.site_title = _("Declaration tracker")
admin.site.index_title = _("Implementation of the Joint Declaration on Security Cooperation")
# The admin signs in through the tracker's own log-in, second factor and lock-out included: a
# password alone opens the admin no more than the tracker.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", HealthView.as_view(), name="health"),
    path("metrics", metrics_view, name="metrics"),
    path("api/", include("declaration_tracker.api.urls")),
    # Signing in, the second factor, the providers and the sessions (django-allauth's views).
    path("accounts/", include("access.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("dialogues/<slug:slug>/brief.pdf", mechanism_brief, name="mechanism-brief"),
    path("dialogues/", include("dialogues.urls")),
    path("reports/", include("reports.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("", dashboard, name="dashboard"),
    path("declaration/", declaration_reader, name="declaration"),
    path("markings/<str:kind>/<int:pk>/", marking_set, name="marking-set"),
    path("", include("notifications.urls")),
    path("", include("discussion.comment_urls")),
    path("", include("discussion.attachment_urls")),
    path("", include("discussion.reconciliation_urls")),
    path("", include("commitments.urls")),
]

handler404 = "declaration_tracker.views.page_not_found"
handler500 = "declaration_tracker.views.server_error"
