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


def test_the_active_filters_are_chips_that_each_drop_one_filter(site):
    page = site.page("analyst", viewport=LAPTOP)
    page.goto("/commitments/")
    more = page.locator("#more-filters")
    expect(more).not_to_have_attribute("open", "")
    page.get_by_label("Pillar").select_option("maritime")
    page.locator("#status-choices summary").click()
    page.get_by_label("On track", exact=True).check()
    page.get_by_label("Not started", exact=True).check()
    page.locator("#status-choices summary").click()  # closed again, as a user would
    # "More filters" opens and its fields are usable.
    more.locator("> summary").click()
    expect(more).to_have_attribute("open", "")
    page.get_by_label("Priority", exact=True).select_option("high")
    more.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"priority=high"))

    chips = page.locator("#active-filters a.chip")
    expect(chips).to_have_count(4)
    # A filter behind "More filters" is set: the page opens with it open.
    expect(page.locator("#more-filters")).to_have_attribute("open", "")
    page.get_by_role("link", name="Remove the filter Priority: High").click()
    page.wait_for_url(lambda url: "priority" not in url)
    expect(page.locator("#more-filters")).not_to_have_attribute("open", "")
    assert "pillar=maritime" in page.url and "status=on_track" in page.url
    expect(chips).to_have_count(3)
    page.get_by_role("link", name="Remove the filter Official status: On track").click()
    page.wait_for_url(lambda url: "on_track" not in url)
    assert "status=not_started" in page.url and "pillar=maritime" in page.url
    codes = page.locator("#commitment-rows tr td:first-child a").all_inner_texts()
    assert codes and all(code.startswith("MAR-") for code in codes), codes
    expect(page.locator("#status-choices summary")).to_have_text("Not started")
    page.get_by_role("link", name="Clear all").click()
    page.wait_for_url(re.compile(r"/commitments/$"))
    expect(page.locator("#active-filters")).to_have_count(0)


def test_the_list_filters_without_javascript(site):
    context = site.browser.new_context(base_url=site.url, viewport=PHONE, java_script_enabled=False)
    site.contexts.append(context)
    page = context.new_page()
    site.login(page, "analyst")
    page.goto("/commitments/")
    page.locator("#more-filters > summary").click()
    page.get_by_label("Priority", exact=True).select_option("high")
    page.locator("#more-filters").get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"priority=high"))
    page.get_by_role("link", name="Remove the filter Priority: High").click()
    page.wait_for_url(lambda url: "priority" not in url)
    expect(page.locator("#active-filters")).to_have_count(0)


def test_the_marking_menu_changes_an_items_marking_from_the_keyboard(site):
    page = site.page("analyst", viewport=PHONE)
    page.goto("/commitments/MAR-01/")
    menu = page.locator("details.item-actions").first
    marking = page.locator("span.marking").first
    before = marking.inner_text()
    expect(menu.locator(".item-actions-menu")).to_be_hidden()

    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    select = menu.get_by_label("Change marking")
    expect(select).to_be_visible()
    offered = select.locator("option").all_inner_texts()
    assert offered and before not in offered, (before, offered)
    page.keyboard.press("Tab")
    expect(select).to_be_focused()
    select.select_option(label=offered[0])
    page.keyboard.press("Tab")
    expect(menu.get_by_role("button", name="Change")).to_be_focused()
    page.keyboard.press("Enter")

    page.wait_for_load_state()
    expect(page.locator("span.marking").first).to_have_text(offered[0])
    # Closed again after the change: the menu takes no room until opened.
    expect(page.locator("details.item-actions").first).not_to_have_attribute("open", "")
