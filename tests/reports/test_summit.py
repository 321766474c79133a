"""The summit progress report, read back as a leader reads it: the PDF's text (pdftotext) and
the workbook's cells, for every commitment, at a past instant, under release markings."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.choices import Marking, Side
from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, Milestone, Pillar
from reports import summit
from tests.commitments.test_history import frozen, update_status
from tests.factories import analyst, commitment, manager, viewer
from tests.pdfs import pdf_pages, pdf_text, pdf_words, squeezed, workbook_cells

pytestmark = pytest.mark.usefixtures("loaded")


@pytest.fixture
def people():
    return {
        "in_analyst": analyst("maritime", username="rep-in", side=Side.INDIA),
        "jp_analyst": analyst("maritime", username="rep-jp", side=Side.JAPAN),
        "in_manager": manager(username="rep-in-mgr", side=Side.INDIA),
        "jp_manager": manager(username="rep-jp-mgr", side=Side.JAPAN),
        "public": viewer(username="rep-public", side=""),
    }


@pytest.fixture
def history(people):
    """MAR-01: India gives on track on 1 Oct 2025, Japan agrees on 1 Nov 2025 (official),
    then on 1 Mar 2026 India gives at risk with an India-only note; a bilateral milestone
    due 1 Jun 2026."""
    india, japan = people["in_analyst"], people["jp_analyst"]
    with frozen("2025-10-01"):
        update_status("MAR-01", india, Status.ON_TRACK, "IN-BILATERAL-NOTE ports surveyed")
    with frozen("2025-11-01"):
        update_status("MAR-01", japan, Status.ON_TRACK, "JP-BILATERAL-NOTE agreed")
        services.milestone_create(
            commitment=commitment("MAR-01"),
            actor=india,
            title="Sign the port arrangement",
            due_date=datetime.date(2026, 6, 1),
        )
    with frozen("2026-03-01"):
        update_status(
            "MAR-01",
            india,
            Status.AT_RISK,
            "IN-NATIONAL-NOTE budget held up",
            marking=Marking.INDIA_ONLY,
        )
    return people


def get(client, user, path, **params):
    client.force_login(user)
    return client.get(path, params)


# --- the PDF ---------------------------------------------------------------------------------


def test_the_pdf_has_a_cover_a_summary_and_every_commitment_with_both_sides(client, history):
    response = get(client, history["in_manager"], "/reports/summit.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="summit-report-')
    text = pdf_text(response.content)
    words = squeezed(text)
    assert "Summit progress report" in text
    assert "India–Japan Joint Declaration on Security Cooperation" in text
    assert "Executive summary" in text and "Dialogue mechanisms" in text
    assert "Annex: sources" in text
    for code, title in Commitment.objects.values_list("code", "title"):
        assert code in words, code
        assert squeezed(title)[:40] in words, code
    # MAR-01: India at risk, Japan on track, the official status still the agreed on track.
    assert squeezed("IN-NATIONAL-NOTE budget held up") in words
    assert squeezed("JP-BILATERAL-NOTE agreed") in words
    assert squeezed("Sign the port arrangement") in words
    assert squeezed("Official status: Not started → On track") in words
    assert squeezed("India's assessment: Not started → At risk") in words
    # The coast guard commandant meetings, reinforced by DIA-04, in the mechanisms' table.
    assert squeezed("Coast guard commandant meetings") in words


def test_every_page_of_the_pdf_says_its_highest_marking(client, history):
    def pages(reader):
        answer = get(client, history[reader], "/reports/summit.pdf", pillar="maritime")
        return pdf_pages(answer.content)

    indian, japanese, public = pages("in_manager"), pages("jp_manager"), pages("public")

    assert len(indian) >= 5
    assert all("India only" in page for page in indian)
    assert all("Bilateral" in page for page in japanese)
    assert all("Public" in page for page in public)


def test_the_pdf_and_workbook_hold_only_what_the_reader_may_read(client, history):
    for reader, sees_national, sees_bilateral in (
        ("in_manager", True, True),
        ("jp_manager", False, True),
        ("jp_analyst", False, True),
        ("public", False, False),
    ):
        user = history[reader]
        pdf = pdf_words(get(client, user, "/reports/summit.pdf", pillar="maritime").content)
        book = get(client, user, "/reports/summit.xlsx", pillar="maritime").content
        cells = squeezed(str(workbook_cells(book)))
        for found in (pdf, cells):
            assert ("IN-NATIONAL-NOTE" in found) is sees_national, reader
            assert ("JP-BILATERAL-NOTE" in found) is sees_bilateral, reader
            assert ("Signtheportarrangement" in found) is sees_bilateral, reader
        # What every reader may see: the statuses themselves.
        assert "MAR-01" in pdf and "MAR-01" in cells


def test_as_of_and_since_reproduce_the_past(client, history):
    before = pdf_words(
        get(
            client,
            history["in_manager"],
            "/reports/summit.pdf",
            as_of="2025-10-15",
            pillar="maritime",
        ).content
    )
    assert squeezed("As of 15 Oct 2025") in before
    assert "IN-NATIONAL-NOTE" not in before and "IN-BILATERAL-NOTE" in before
    assert "Signtheportarrangement" not in before  # added on 1 November
    assert squeezed("India's assessment: Not started → On track") in before

    quiet = pdf_words(
        get(
            client,
            history["in_manager"],
            "/reports/summit.pdf",
            as_of="2026-02-01",
            since="2025-12-01",
            pillar="maritime",
        ).content
    )
    assert squeezed("Changes are counted since 1 Dec 2025") in quiet
    # Nothing happened to MAR-01 between December and February.
    assert "Officialstatus:" not in quiet and "Nochange" in quiet


def test_the_pillar_parameter_keeps_one_pillar(client, history):
    words = pdf_words(
        get(client, history["in_manager"], "/reports/summit.pdf", pillar="maritime").content
    )
    codes = set(Commitment.objects.values_list("code", flat=True))
    assert {code for code in codes if code in words} == {
        code for code in codes if code.startswith("MAR-")
    }


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"since": "yesterday"}, "since"),
        ({"since": "2025-01-01"}, "since"),
        ({"since": "2026-02-30"}, "since"),
        ({"pillar": "space-lasers"}, "pillar"),
        ({"as_of": "2999-01-01"}, "as_of"),
        ({"as_of": "31/03/2026"}, "as_of"),
        ({"as_of": "2025-10-01", "since": "2025-11-01"}, "since"),
    ],
)
@pytest.mark.parametrize("path", ["/reports/summit.pdf", "/reports/summit.xlsx"])
def test_a_bad_parameter_is_a_400_naming_it(client, people, query, name, path):
    response = get(client, people["in_manager"], path, **query)
    assert response.status_code == 400
    assert f"<code>{name}</code>" in response.content.decode()


def test_the_report_in_japanese(client, history):
    japanese = history["jp_manager"]
    japanese.language = "ja"
    japanese.save(update_fields=["language"])
    text = pdf_text(get(client, japanese, "/reports/summit.pdf", pillar="maritime").content)
    words = squeezed(text)
    assert "首脳会談向け進捗報告" in words
    assert squeezed(commitment("MAR-01").title_ja) in words
    assert "順調" in words and "日印限り" in words
    cells = workbook_cells(get(client, japanese, "/reports/summit.xlsx", pillar="maritime").content)
    assert cells["maritime"][1][0] == "コード"


# --- the workbook ---------------------------------------------------------------------------------


def test_the_workbook_has_every_commitment_once_overall_and_once_in_its_pillar(client, history):
    response = get(client, history["in_manager"], "/reports/summit.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    cells = workbook_cells(response.content)
    slugs = list(Pillar.objects.order_by("position").values_list("slug", flat=True))
    assert list(cells) == ["Summary", "All commitments", *slugs, "Attachments", "Sources"]

    everything = cells["All commitments"]
    assert everything[0][0].startswith("India only — Summit progress report as of")
    header = everything[1]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in everything[2:]}
    assert set(rows) == set(Commitment.objects.values_list("code", flat=True))
    for c in Commitment.objects.select_related("pillar"):
        row = rows[c.code]
        assert row["Official status"] == c.get_status_display()
        assert row["Progress (%)"] == c.progress
        assert row["India's assessment"] == Status(c.india_status).label
        assert row["Japan's assessment"] == Status(c.japan_status).label
        pillar_rows = [r for r in cells[c.pillar.slug][2:] if r[0] == c.code]
        assert len(pillar_rows) == 1
    mar = rows["MAR-01"]
    assert (mar["India's assessment"], mar["Japan's assessment"], mar["Official status"]) == (
        "At risk",
        "On track",
        "On track",
    )
    assert mar["Sides agree"] == "no" and mar["Awaiting"] == "Japan"
    assert mar["India's note"] == "IN-NATIONAL-NOTE budget held up"
    assert mar["Next milestone"] == "Sign the port arrangement"
    assert "Official status: Not started → On track" in mar["Changes since"]
    summary = cells["Summary"]
    assert summary[-1][0] == "All" and summary[-1][1] == len(rows)


def test_the_workbook_sheets_have_frozen_headers_and_filters(client, history):
    from io import BytesIO

    from openpyxl import load_workbook

    content = get(client, history["in_manager"], "/reports/summit.xlsx").content
    book = load_workbook(BytesIO(content))
    for name in book.sheetnames[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "B3", name
        assert sheet.auto_filter.ref.startswith("A2:"), name
        assert sheet.auto_filter.ref.endswith(str(sheet.max_row)), name


# --- cost -----------------------------------------------------------------------------------------


def test_the_reports_queries_do_not_grow_with_the_data(history):
    user = history["in_manager"]
    params = summit.SummitParams(at=None, since=datetime.date(2025, 8, 29), pillar=None)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            summit.summit_report(user, params)
        return len(captured)

    first = queries()
    author = superuser_of_both()
    for code in Commitment.objects.values_list("code", flat=True)[:20]:
        services.status_update_create(
            commitment=commitment(code),
            author=author,
            side=Side.INDIA,
            status=Status.ON_TRACK,
            note="More.",
            expected_version=None,
        )
        Milestone.objects.create(
            commitment=commitment(code),
            title=f"Step of {code}",
            due_date=datetime.date(2027, 1, 1),
            side="india",
        )
    assert queries() == first


def superuser_of_both():
    from tests.factories import chief

    return chief(username="rep-both")
