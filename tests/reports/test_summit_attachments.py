"""The summit report's annex of attachments (issue 26): the attachments of the reported
commitments and their milestones, by title, marking and SHA-256, in the PDF and the workbook —
only those the report's reader may read (both directions, the public reader), and the report
handled as the most restricted of them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access.choices import Marking, Role
from commitments import services
from discussion.attachment_services import attachment_add
from tests.discussion.common import BOTH, NATIONAL, browser
from tests.factories import UserFactory, analyst, commitment, days, manager
from tests.pdfs import pdf_pages, pdf_text, pdf_words, squeezed, workbook_cells

pytestmark = pytest.mark.usefixtures("loaded", "attachment_root")


def attached(user, title: str, marking: str, target=None):
    return attachment_add(
        target=target or commitment("MAR-01"),
        actor=user,
        upload=SimpleUploadedFile(f"{title}.txt", f"{title}\n".encode(), "text/plain"),
        title=title,
        marking=marking,
    )


@pytest.fixture
def planted():
    """On MAR-01: a public and a bilateral attachment by India, each side's national one, and a
    bilateral one on a milestone of MAR-01 by Japan."""
    people = {side: analyst("maritime", username=f"sr-{side}", side=side) for side in NATIONAL}
    milestone = services.milestone_create(
        commitment=commitment("MAR-01"),
        actor=people["japan"],
        title="Port call agreed",
        due_date=days(30),
    )
    return {
        "public": attached(people["india"], "AnnexPublicMemo", Marking.PUBLIC),
        "bilateral": attached(people["india"], "AnnexSignedMinutes", Marking.BILATERAL),
        "india": attached(people["india"], "AnnexIndiaBrief", Marking.INDIA_ONLY),
        "japan": attached(people["japan"], "AnnexJapanBrief", Marking.JAPAN_ONLY),
        "milestone": attached(
            people["japan"], "AnnexStepReport", Marking.BILATERAL, target=milestone
        ),
    }


def report(user, fmt: str = "pdf", **params):
    response = browser(user).get(f"/reports/summit.{fmt}", {"pillar": "maritime", **params})
    assert response.status_code == 200, response.content[:300]
    return response.content


def annex_of_pdf(content: bytes) -> str:
    words = pdf_words(content)
    return words[words.index("Annex:attachments") : words.index("Annex:sources")]


@BOTH
def test_the_annex_lists_what_the_reader_may_read_with_marking_and_hash(planted, own, other):
    reader = manager(username=f"sr-{own}-mgr", side=own)

    annex = annex_of_pdf(report(reader))
    cells = workbook_cells(report(reader, "xlsx"))["Attachments"]

    listed = {row[2]: row for row in cells[2:]}
    for key in ("public", "bilateral", own, "milestone"):
        attachment = planted[key]
        assert attachment.title in annex and attachment.sha256 in annex, key
        assert listed[attachment.title][0] == "MAR-01"
        assert listed[attachment.title][3] == attachment.get_marking_display()
        assert listed[attachment.title][4] == attachment.sha256
    assert squeezed("Bilateral") in annex and squeezed(str(Marking(NATIONAL[own]).label)) in annex
    assert listed["AnnexStepReport"][1] == "Port call agreed"
    assert squeezed("On the milestone “Port call agreed”") in annex
    # The other government's national attachment: neither its title nor its hash, anywhere.
    hidden = planted[other]
    for found in (pdf_words(report(reader)), squeezed(str(workbook_cells(report(reader, "xlsx"))))):
        assert hidden.title not in found and hidden.sha256 not in found


@BOTH
def test_a_report_showing_a_national_attachment_is_handled_as_national(planted, own, other):
    reader = manager(username=f"sr-{own}-mgr", side=own)
    label = str(Marking(NATIONAL[own]).label)

    pages = pdf_pages(report(reader))

    assert all(label in page for page in pages)
    assert workbook_cells(report(reader, "xlsx"))["Attachments"][0][0].startswith(label)


def test_the_public_reader_finds_the_public_attachment_only(planted):
    public = UserFactory(side="", role=Role.VIEWER, username="sr-public")

    annex = annex_of_pdf(report(public))

    assert planted["public"].title in annex and planted["public"].sha256 in annex
    for key in ("bilateral", "india", "japan", "milestone"):
        assert planted[key].title not in annex and planted[key].sha256 not in annex, key


def test_as_of_an_earlier_day_the_annex_has_none_attached_since(planted):
    reader = manager(username="sr-india-mgr", side="india")
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()

    annex = annex_of_pdf(report(reader, as_of=yesterday, since="2025-08-29"))

    assert squeezed("No attachment in this report.") in annex
    assert planted["public"].title not in annex


def test_the_annex_in_japanese(planted):
    japanese = manager(username="sr-japan-mgr", side="japan")
    japanese.language = "ja"
    japanese.save(update_fields=["language"])

    text = squeezed(pdf_text(report(japanese)))

    assert "別添：添付文書" in text and "マイルストーン「Portcallagreed」の添付文書" in text
    assert "添付文書" in workbook_cells(report(japanese, "xlsx"))
