"""The floor: bare Django views returning the rows the benchmarked pages return.

Each is one function, with the ORM's `.values()` and JsonResponse (or a csv.writer stream),
no template, no serializer, no DRF: what this stack (gunicorn, Django's middleware and
log-in, psycopg2, PostgreSQL) costs at least for the same data. They sit behind the tracker's
middleware like every page, so a request needs the session cookie of a signed-in user.

- dashboard: the commitment counts and mean progress by pillar, lead side and status, from
  one `.values().annotate()`;
- commitments list: the filtered page (`pillar`, `page_size`), ordered by code as the list is;
- commitment: the commitment, its milestones and its status trail (three queries);
- API page: the first `page_size` commitments in code order, the API's default ordering;
- cursor: keyset pages by id (`after`, `page_size`) with a `next` link, as a sync walks them;
- CSV: every commitment as CSV, streamed from a server-side cursor.

The commitment fields are the row's own plus its pillar's and both responsible users' (joins);
lead organisations and the latest status update, which the tracker's pages add, are left out,
and so are the fields a release marking governs (a commitment's added context, a status
update's note): the gate refuses them as values, and the floor reads nothing as objects.
"""

import csv

from django.db.models import Avg, Count
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from commitments.models import Commitment, Milestone, StatusUpdate

FIELDS = (
    "id",
    "code",
    "pillar__slug",
    "pillar__name",
    "title",
    "description",
    # Not the added context: a marked field is read through the gate as objects, not values.
    "source_clause",
    "clause_part",
    "paragraph",
    "commitment_strength",
    "inferred_fields",
    "lead_side",
    "responsible_india__username",
    "responsible_japan__username",
    "status",
    "priority",
    "start_date",
    "target_date",
    "progress",
    "version",
    "created_at",
    "updated_at",
)
LIST_PAGE_SIZES = (25, 50, 100, 200, 500)
MAX_PAGE_SIZE = 500


def _int(request, name: str, default: int, low: int = 1, high: int = MAX_PAGE_SIZE) -> int:
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        return default
    return value if low <= value <= high else default


@require_GET
def dashboard(request):
    counts = (
        Commitment.objects.order_by()
        .values("pillar__slug", "lead_side", "status")
        .annotate(commitments=Count("id"), progress=Avg("progress"))
    )
    return JsonResponse(list(counts), safe=False)


@require_GET
def commitment_list(request):
    size = _int(request, "page_size", 50)
    size = size if size in LIST_PAGE_SIZES else 50
    rows = Commitment.objects.order_by("code", "pk")
    if request.GET.get("pillar"):
        rows = rows.filter(pillar__slug=request.GET["pillar"])
    return JsonResponse(list(rows.values(*FIELDS)[:size]), safe=False)


@require_GET
def commitment_detail(request, code: str):
    commitment = Commitment.objects.filter(code=code).values(*FIELDS).first()
    if commitment is None:
        raise Http404("No such commitment.")
    milestones = Milestone.objects.filter(commitment_id=commitment["id"]).order_by("due_date", "id")
    trail = StatusUpdate.objects.filter(commitment_id=commitment["id"]).order_by(
        "-created_at", "-id"
    )
    return JsonResponse(
        {
            "commitment": commitment,
            "milestones": list(
                milestones.values(
                    "id", "title", "due_date", "weight", "completed_on", "owner__username"
                )
            ),
            "trail": list(
                trail.values(
                    "version",
                    "from_status",
                    "to_status",
                    "from_progress",
                    "to_progress",
                    "created_at",
                    "author__username",
                )
            ),
        }
    )


@require_GET
def api_page(request):
    size = _int(request, "page_size", 50)
    rows = Commitment.objects.order_by("code").values(*FIELDS)[:size]
    return JsonResponse(list(rows), safe=False)


@require_GET
def api_cursor(request):
    size = _int(request, "page_size", 100)
    after = _int(request, "after", 0, low=0, high=2**62)
    rows = list(Commitment.objects.filter(id__gt=after).order_by("id").values(*FIELDS)[: size + 1])
    following = None
    if len(rows) > size:
        rows = rows[:size]
        following = request.build_absolute_uri(
            f"{request.path}?after={rows[-1]['id']}&page_size={size}"
        )
    return JsonResponse({"next": following, "results": rows})


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows):
    writer = csv.writer(_Echo())
    yield writer.writerow(FIELDS)
    for row in rows:
        yield writer.writerow(row)


@require_GET
def api_csv(request):
    rows = Commitment.objects.order_by("code").values_list(*FIELDS).iterator(chunk_size=1000)
    return StreamingHttpResponse(_csv_lines(rows), content_type="text/csv")


urlpatterns = [
    path("dashboard/", dashboard, name="floor-dashboard"),
    path("commitments/", commitment_list, name="floor-commitment-list"),
    path("commitments/<str:code>/", commitment_detail, name="floor-commitment-detail"),
    path("api/commitments/", api_page, name="floor-api-page"),
    path("api/commitments/cursor/", api_cursor, name="floor-api-cursor"),
    path("api/commitments.csv", api_csv, name="floor-api-csv"),
]
