"""The HTTP benchmark's own pieces, under the test settings and without gunicorn: the floor
views answer the rows the tracker's pages answer, and the query-count middleware counts."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import floor
from commitments.models import Commitment
from tests.api_base import api_client
from tests.factories import manager

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


@pytest.fixture
def reader(loaded, client):
    user = manager()
    client.force_login(user)
    return user


def test_floor_api_page_has_the_codes_of_the_api_page(reader, client):
    answer = client.get("/bench/floor/api/commitments/?page_size=100")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    page = api_client(reader).get("/api/v1/commitments/?page_size=100")
    assert page.status_code == 200
    codes = [row["code"] for row in page.json()["results"]]
    assert codes
    assert [row["code"] for row in answer.json()] == codes
    assert set(answer.json()[0]) == set(floor.FIELDS)


def test_floor_cursor_walks_every_commitment_once(reader, client):
    seen, path, pages = [], "/bench/floor/api/commitments/cursor/?page_size=25", 0
    while path:
        data = client.get(path).json()
        seen += [row["code"] for row in data["results"]]
        path = data["next"]
        pages += 1
        assert pages < 100
    assert sorted(seen) == sorted(Commitment.objects.values_list("code", flat=True))


def test_floor_dashboard_counts_every_commitment(reader, client):
    rows = client.get("/bench/floor/dashboard/").json()
    assert sum(row["commitments"] for row in rows) == Commitment.objects.count()


def test_floor_list_and_detail_answer_json(reader, client):
    listed = client.get("/bench/floor/commitments/?pillar=maritime&page_size=50").json()
    assert listed and {row["pillar__slug"] for row in listed} == {"maritime"}
    detail = client.get("/bench/floor/commitments/MAR-01/").json()
    assert detail["commitment"]["code"] == "MAR-01"
    assert client.get("/bench/floor/commitments/XXX-01/").status_code == 404
    csv = b"".join(client.get("/bench/floor/api/commitments.csv").streaming_content)
    assert csv.count(b"\n") == Commitment.objects.count() + 1


def test_the_tracker_pages_still_answer_under_the_bench_urls(reader, client):
    assert client.get("/").status_code == 200
    assert client.get("/commitments/MAR-01/").status_code == 200


def test_middleware_counts_the_queries(reader, client, settings, monkeypatch, tmp_path):
    settings.MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]
    with CaptureQueriesContext(connection) as captured:
        answer = client.get("/bench/floor/api/commitments/?page_size=10")
    assert int(answer["X-SQL-Queries"]) == len(captured) > 0

    monkeypatch.setenv("BENCH_STATS_DIR", str(tmp_path))
    with CaptureQueriesContext(connection) as captured:
        streamed = client.get("/bench/floor/api/commitments.csv", HTTP_X_BENCH_PROBE="csv1")
        b"".join(streamed.streaming_content)
    assert json.loads((tmp_path / "csv1.json").read_text()) == {
        "queries": len(captured),
        "finished": True,
    }
