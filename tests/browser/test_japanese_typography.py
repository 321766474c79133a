"""Japanese pages set as Japanese is set (issue 27), in Chromium at a phone's and a laptop's
width: no italics on Japanese text, no breaks inside words of headers and labels, the search
field's hint read whole, the dashboard's pillar labels never overlapping, months as 2025年8月;
and the English pages as before."""

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}

ITALIC_JAPANESE = """() => {
    const japanese = /[\\u3040-\\u30ff\\u4e00-\\u9fff]/;
    return Array.from(document.querySelectorAll("body *"))
        .filter((el) => Array.from(el.childNodes).some(
            (n) => n.nodeType === Node.TEXT_NODE && japanese.test(n.textContent)))
        .filter((el) => getComputedStyle(el).fontStyle === "italic")
        .map((el) => el.tagName + "." + el.className + ": " + el.textContent.trim().slice(0, 40));
}"""

PLACEHOLDER_FITS = """() => {
    const input = document.getElementById("id_search");
    const style = getComputedStyle(input, "::placeholder");
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.font = [style.fontStyle, style.fontWeight, style.fontSize, style.fontFamily].join(" ");
    const box = getComputedStyle(input);
    const room = input.clientWidth - parseFloat(box.paddingLeft) - parseFloat(box.paddingRight);
    return [ctx.measureText(input.placeholder).width, room];
}"""

LABELS_APART = """() => {
    const chart = Chart.getChart(document.getElementById("chart-pillar-status"));
    const x = chart.scales.x;
    if (x.labelRotation !== 0) return [];  // slanted labels do not overlap
    const gap = x.getPixelForTick(1) - x.getPixelForTick(0);
    const ctx = chart.ctx;
    ctx.font = "10px " + Chart.defaults.font.family;
    return x.ticks.flatMap((t) => [].concat(t.label))
        .filter((line) => ctx.measureText(line).width > gap);
}"""


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1366px"])
def test_japanese_pages_are_set_as_japanese_is(site, viewport):
    page = site.page("manager_jp", viewport=viewport)
    for path in ("/commitments/", "/commitments/MAR-05/", "/declaration/", "/audit/"):
        page.goto(path)
        assert page.evaluate(ITALIC_JAPANESE) == [], path
        header = page.locator("th").first
        if header.count():
            assert header.evaluate("(el) => getComputedStyle(el).wordBreak") == "keep-all"
    page.goto("/commitments/")
    needed, room = page.evaluate(PLACEHOLDER_FITS)
    assert needed <= room, f"the search hint needs {needed}px, has {room}px"

    page.goto("/")
    page.wait_for_selector("#chart-pillar-status[data-chart-ready=true]")
    assert page.evaluate(LABELS_APART) == []
    page.wait_for_selector("#chart-trend[data-chart-ready=true]")
    assert page.locator("#trend-table tbody th").first.text_content() == "2025年8月"


def test_english_pages_keep_their_labels_apart_and_months_in_english(site):
    page = site.page("manager", viewport=PHONE)
    page.goto("/commitments/")
    needed, room = page.evaluate(PLACEHOLDER_FITS)
    assert needed <= room
    page.goto("/")
    page.wait_for_selector("#chart-pillar-status[data-chart-ready=true]")
    assert page.evaluate(LABELS_APART) == []
    page.wait_for_selector("#chart-trend[data-chart-ready=true]")
    assert page.locator("#trend-table tbody th").first.text_content() == "Aug 2025"
