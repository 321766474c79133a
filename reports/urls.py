from django.urls import path

from . import views

urlpatterns = [
    path("summit.pdf", views.summit_pdf, name="summit-report-pdf"),
    path("summit.xlsx", views.summit_xlsx, name="summit-report-xlsx"),
    path("jobs/<uuid:pk>/", views.report_job, name="report-job"),
    path("jobs/<uuid:pk>/download/", views.report_job_download, name="report-job-download"),
]
