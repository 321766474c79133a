from django.urls import path

from audit import views as audit

from .views import commitments, contexts, exports, proposals

urlpatterns = [
    path("commitments/", commitments.commitment_list, name="commitment-list"),
    path("commitments/export.csv", exports.commitments_csv, name="commitment-export-csv"),
    path("commitments/export.xlsx", exports.commitments_xlsx, name="commitment-export-xlsx"),
    path("commitments/<str:code>/", commitments.commitment_detail, name="commitment-detail"),
    path("commitments/<str:code>/status/", commitments.status_update, name="commitment-status"),
    path(
        "commitments/<str:code>/confirm/",
        commitments.assessment_confirm,
        name="commitment-confirm",
    ),
    path(
        "commitments/<str:code>/changes/<int:pk>/<str:answer>/",
        proposals.term_change_answer,
        name="term-change-answer",
    ),
    path(
        "commitments/<str:code>/contexts/<str:side>/",
        contexts.context_write,
        name="commitment-context",
    ),
    path("commitments/<str:code>/milestones/", commitments.milestone_add, name="milestone-add"),
    path(
        "commitments/<str:code>/milestones/<int:pk>/edit/",
        commitments.milestone_edit,
        name="milestone-edit",
    ),
    path(
        "commitments/<str:code>/milestones/<int:pk>/done/",
        commitments.milestone_done,
        name="milestone-done",
    ),
    path("audit/", audit.audit_log, name="audit-log"),
]
