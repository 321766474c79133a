"""The benchmark's URLConf: the tracker's URLs, and the floor views under /bench/floor/."""

from django.urls import include, path

urlpatterns = [
    path("bench/floor/", include("bench.floor")),
    path("", include("declaration_tracker.urls")),
]

handler404 = "declaration_tracker.views.page_not_found"
handler500 = "declaration_tracker.views.server_error"
