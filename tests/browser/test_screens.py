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
    # And every common filter whole on the screen, none cut off at its right edge.
    controls = page.locator(".filters-main input, .filters-main select, .filters-main button")
    for index in range(controls.count()):
        control = controls.nth(index).bounding_box()
        if control is not None and control["width"] > 0:
            assert control["x"] + control["width"] <= viewport["width"] + 1, (index, control)


@pytest.mark.parametrize(
    ("username", "viewport"),
    [("analyst", LAPTOP), ("analyst", PHONE), ("analyst_jp", PHONE)],
    ids=["1366", "390", "390-ja"],
)
def test_the_commitments_list_shows_its_first_row_on_the_first_screen(site, username, viewport):
    """Below the filters (and the chips of three active ones), the first row shows."""
    page = site.page(username, viewport=viewport)
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


# --- the six main pages in Japanese -----------------------------------------------------------

# The pages the main navigation leads to, and a commitment.
MAIN_PAGES = (
    "/",
    "/commitments/",
    "/commitments/MAR-01/",
    "/declaration/",
    "/dialogues/",
    "/notifications/",
)
# The text nodes a reader sees (or hears: visually hidden text counts; a closed <details> does
# not), with the options of every select, leaving out what is marked as another language.
VISIBLE_TEXT = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const element = walker.currentNode.parentElement;
    if (!text || element.closest("script, style, template, noscript")) continue;
    const marked = element.closest("[lang]");
    if (marked && !marked.lang.startsWith("ja")) continue;
    if (!element.closest("select") && !element.checkVisibility({visibilityProperty: true}))
      continue;
    found.push(text);
  }
  return found;
}"""
LATIN = re.compile(r"[A-Za-z]")
LETTER = re.compile(r"[A-Za-z\u3040-\u30ff\u3400-\u9fff]")
# Words the same in both languages: codes, acronyms, product and format names.
SAME_IN_BOTH = re.compile(
    r"(?<![A-Za-z])(?:[A-Z]{3}-\d+|[A-Z][A-Z0-9&+-]*[A-Z0-9]|UTC|JST|IST|PDF|CSV|Excel|English"
    r"|ReCAAP|iDEX|MeitY|MoD|DoT)(?![A-Za-z])"
)


def content_strings() -> list[str]:
    """What people and the data file wrote, shown as written in any language: names,
    usernames, notes, titles, places, summaries and descriptions, and the declaration's
    English where the tracker has no Japanese for it. An English field with a filled Japanese
    counterpart (`title_ja`, `name_ja`) is not content: the page must show its Japanese."""
    from django.apps import apps
    from django.db import models

    found = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"commitments", "dialogues", "discussion"}:
            continue
        fields = [
            f
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField)
            and not f.choices
            and not f.name.endswith("_ja")
        ]
        names = {f.name for f in model._meta.get_fields()}
        for row in model.objects.all():
            for field in fields:
                value = getattr(row, field.name) or ""
                japanese = f"{field.name}_ja"
                if japanese in names and getattr(row, japanese):
                    continue
                if len(value) >= 3:
                    found.add(value)
    from commitments.models import User

    for user in User.objects.all():
        found |= {str(user), user.username}
    return sorted(found, key=len, reverse=True)


def interface_text(texts: list[str], content: list[str]) -> list[str]:
    """The text nodes that are the interface's: each with the content in it, links, e-mail
    addresses and the words the same in both languages taken out; kept if a letter remains."""
    kept = []
    for text in texts:
        for item in content:
            if item in text:
                text = text.replace(item, " ")
        text = re.sub(r"https?://\S+|\S+@\S+", " ", text)
        text = SAME_IN_BOTH.sub(" ", text)
        if LETTER.search(text):
            kept.append(text.strip())
    return kept


def japanese_share(texts: list[str]) -> float:
    return sum(1 for text in texts if not LATIN.search(text)) / len(texts)


def test_the_measure_counts_english_interface_text_and_leaves_out_content():
    texts = [
        "コミットメント",
        "Save",
        "MAR-01の確認待ち",
        "Demo Analyst",
        "7 Dec 2026",
        "PDF",
        "42",
    ]
    kept = interface_text(texts, content=["Demo Analyst"])
    assert kept == ["コミットメント", "Save", "の確認待ち", "7 Dec 2026"]
    assert japanese_share(kept) == 0.5


@pytest.mark.parametrize("username", ["analyst_jp", "manager_jp"])
def test_the_six_main_pages_read_in_japanese_are_japanese_interface_text(site, username):
    """At least 95 % of each main page's interface text nodes are Japanese, for a Japanese user.

    The measure: the page's text nodes a reader meets in Chromium (rendered, or visually hidden
    for screen readers, and every option of a select; not inside an element marked with another
    `lang`, as the declaration's English words are). From each, what is content is taken out
    (`content_strings`: people's names and usernames, what users wrote, the data file's
    English where the tracker has no Japanese for it), and links, e-mail addresses, codes
    (MAR-01), acronyms and words the same in both languages (UTC, PDF, Excel). A node with a
    letter left is interface text; it is Japanese when no Latin letter is left. The share is
    Japanese nodes over interface nodes; the English ones are listed when it falls short."""
    page = site.page(username, viewport=LAPTOP)
    content = content_strings()
    short = {}
    for path in MAIN_PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "ja", path
        texts = interface_text(page.evaluate(VISIBLE_TEXT), content)
        assert len(texts) > 10, (path, texts)
        share = japanese_share(texts)
        if share < 0.95:
            short[path] = (round(share, 3), sorted({t for t in texts if LATIN.search(t)}))
    assert short == {}, "\n".join(
        f"{path}: {share} {english}" for path, (share, english) in short.items()
    )
