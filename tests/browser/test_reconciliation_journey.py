"""Issue 26's journey in a real browser: the sides disagree on a joint commitment, the tracker
opens a reconciliation; India's analyst discusses it and attaches the signed minutes as a
bilateral PDF; Japan's analyst (reading in Japanese) finds it, reads the comment and downloads
the minutes; Japan's manager moves its due date; the public reader never sees any of it."""

import re

import pytest
from playwright.sync_api import expect

from discussion.models import Reconciliation

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "attachments": {
            "BACKEND": "discussion.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        }
    }
    settings.TRACKER_CLAMD_SOCKET = ""


def test_a_disagreement_is_discussed_documented_and_dated_by_both_sides_and_hidden_from_the_public(
    site, tmp_path
):
    # The demo leaves MAR-02's sides apart (India at risk, Japan on track): one is open.
    opened = Reconciliation.objects.get(commitment__code="MAR-02", closed_at=None)
    page_url = f"/reconciliations/{opened.pk}/"

    india = site.page("analyst")
    india.goto(site.url + "/commitments/MAR-02/")
    india.locator("#reconciliation-banner a").click()
    india.wait_for_url(f"**{page_url}")
    expect(india.locator("#position-india .badge")).to_have_text("At risk")
    expect(india.locator("#position-japan .badge")).to_have_text("On track")

    india.locator("#comment_body").fill("Our port call needs a new date; proposing March.")
    india.get_by_role("button", name="Post comment").click()
    expect(india.locator("#comments")).to_contain_text("proposing March")

    minutes = tmp_path / "signed-minutes.pdf"
    minutes.write_bytes(PDF)
    panel = india.locator(f"#attachments-reconciliation-{opened.pk}")
    panel.locator("summary").click()
    panel.get_by_label("File").set_input_files(str(minutes))
    panel.get_by_label("Title").fill("Signed minutes of the coast guard talks")
    panel.get_by_role("button", name="Attach").click()
    expect(
        panel.get_by_role("link", name="Signed minutes of the coast guard talks")
    ).to_be_visible()

    japan = site.page("analyst_jp")  # reads the tracker in Japanese
    japan.goto(site.url + "/reconciliations/")
    japan.locator(f'a[href="{page_url}"]').click()
    japan.wait_for_url(f"**{page_url}")
    expect(japan.locator("h1")).to_contain_text("見解調整")
    expect(japan.locator("#comments")).to_contain_text("proposing March")
    with japan.expect_download() as download:
        japan.locator(f"#attachments-reconciliation-{opened.pk} a[download]").click()
    assert download.value.path().read_bytes() == PDF

    manager = site.page("manager_jp")
    manager.goto(site.url + page_url)
    manager.locator("#id_due_on").fill("2030-01-31")
    manager.locator("#reconciliation-due-form button").click()
    expect(manager.locator("#reconciliation-state")).to_contain_text("2030")
    opened.refresh_from_db()
    assert str(opened.due_on) == "2030-01-31" and opened.due_set_by.username == "manager_jp"

    public = site.page("public_reader")
    # Fetched with the reader's session (a 404 page in the tab would be a console error).
    assert public.request.get(site.url + page_url).status == 404
    public.goto(site.url + "/reconciliations/")
    expect(public.locator(f'a[href="{page_url}"]')).to_have_count(0)
    download_path = india.locator(
        f"#attachments-reconciliation-{opened.pk} a[download]"
    ).get_attribute("href")
    assert re.fullmatch(r"/attachments/\d+/download/", download_path)
    assert public.request.get(site.url + download_path).status == 404
