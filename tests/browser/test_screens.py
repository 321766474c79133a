"""The screens as a user meets them in Chromium, on a laptop (1366 px) and a phone (390 px)."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def first_row_on_first_screen(page: Page) -> None:
    """The list's first row lies wholly inside the viewport, with nothing scrolled."""
    assert page.evaluate("window.scrollY") == 0
    row = page.locator("#commitment-rows tr").first
    expect(row).to_be_visible()
    box = row.bounding_box()
    viewport = page.viewport_size
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (box, viewport)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_the_commitments_list_shows_its_first_row_on_the_first_screen(site, viewport):
    page = site.page("analyst", viewport=viewport)
    page.goto("/commitments/?pillar=maritime&status=not_started&status=on_track")
    expect(page.locator("#commitment-rows tr td:first-child a").first).to_have_text(
        re.compile(r"^MAR-")
    )
    first_row_on_first_screen(page)
    page.goto("/commitments/")
    first_row_on_first_screen(page)
