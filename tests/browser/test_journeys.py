"""What analysts, managers and viewers do in the tracker, in a real browser."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from commitments.choices import Status
from commitments.models import Commitment, StatusUpdate, User
from commitments.services import status_update_create
from declaration_tracker.core import cache
from tests.factories import india_led

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHARTS = ("chart-pillar-status", "chart-pillar-progress")
# Drawn only once a commitment is led by one side (the declaration's are all joint).
LEAD_CHART = "chart-lead-sides"
PHONE = {"width": 390, "height": 844}

# True once a canvas has pixels drawn on it and Chart.js has finished animating it.
CHART_DRAWN = """(id) => {
  const canvas = document.getElementById(id);
  if (!canvas || canvas.dataset.chartReady !== "true") return false;
  if (!canvas.width || !canvas.height) return false;
  const chart = window.Chart && Chart.getChart(canvas);
  if (!chart || (Chart.animator && Chart.animator.running(chart))) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) return true;
  return false;
}"""


def charts_drawn(page: Page, *, lead_sides: bool = False) -> None:
    expect(page.locator(f"#{LEAD_CHART}")).to_have_count(1 if lead_sides else 0)
    for chart in (*CHARTS, LEAD_CHART) if lead_sides else CHARTS:
        canvas = page.locator(f"#{chart}")
        expect(canvas).to_have_attribute("data-chart-ready", "true")
        box = canvas.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, chart
        page.wait_for_function(CHART_DRAWN, arg=chart)


def timeline_entries(page: Page) -> int:
    return page.locator("#timeline > li").count()


SAVE_ASSESSMENT = re.compile(r"^Save (India|Japan)'s assessment$")


def status_update_send(page: Page, status: str, note: str) -> None:
    form = page.locator("#status-form")
    form.get_by_label("Status", exact=True).select_option(label=status)
    form.get_by_label("Note", exact=True).fill(note)
    form.get_by_role("button", name=SAVE_ASSESSMENT).click()


def confirm_send(page: Page, button: str, note: str, note_label: str = "Note") -> None:
    form = page.locator("#confirm-form")
    form.get_by_label(note_label, exact=True).fill(note)
    form.get_by_role("button", name=button).click()


def test_two_analysts_carry_a_joint_commitment_to_completed_each_step_agreed(site):
    """India proposes, Japan confirms, on the same page in two browsers: the official status
    moves only when both sides give it, and both see every step, each in their language
    (the Japanese analyst reads the tracker in Japanese)."""
    india = site.page()
    site.login(india, "analyst")

    india.get_by_role("navigation", name="Main").get_by_role("link", name="Commitments").click()
    india.wait_for_url("**/commitments/")
    india.get_by_label("Pillar").select_option("maritime")
    india.get_by_role("button", name="Apply filters").click()
    india.wait_for_url(re.compile(r"/commitments/\?.*\bpillar=maritime\b"))
    codes = india.locator("tbody tr td:first-child a").all_inner_texts()
    assert codes, "the maritime filter lists nothing"
    assert all(code.startswith("MAR-") for code in codes), codes
    expect(india.locator("#result-count")).to_have_text(str(len(codes)))

    india.get_by_role("link", name="MAR-07", exact=True).click()
    india.wait_for_url("**/commitments/MAR-07/")
    detail_url = india.url
    expect(india.locator("#current-status")).to_have_text("Not started")
    india.evaluate("window.notReloaded = true")

    with india.expect_response(lambda r: r.request.method == "POST") as answer:
        status_update_send(india, "On track", "Browser journey: plan agreed in Delhi.")
    assert answer.value.ok
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(india.locator("#side-india")).to_contain_text("On track")
    expect(india.locator("#current-status")).to_have_text("Not started")
    expect(india.locator("#awaiting")).to_contain_text("Awaiting Japan's confirmation since")
    assert india.url == detail_url
    assert india.evaluate("window.notReloaded") is True, "the form reloaded the page"

    japan = site.page("analyst_jp")
    japan.goto("/commitments/MAR-07/")
    expect(japan.locator("#side-india")).to_contain_text("plan agreed in Delhi")
    expect(japan.get_by_role("heading", name="日本の評価を報告")).to_be_visible()
    confirm_send(japan, "インドの評価を確認", "Browser journey: agreed in Tokyo.", "メモ")
    expect(japan.locator("#current-status")).to_have_text("順調")
    expect(japan.locator("#awaiting")).to_have_count(0)

    # India's page predates Japan's confirmation: the status update is held back, says what changed
    # and keeps the input; sent again, it is taken.
    status_update_send(india, "Completed", "Browser journey: port visits held.")
    expect(india.locator("#conflict")).to_contain_text("agreed in Tokyo")
    expect(india.locator("#status-form").get_by_label("Note", exact=True)).to_have_value(
        "Browser journey: port visits held."
    )
    india.locator("#status-form").get_by_role("button", name=SAVE_ASSESSMENT).click()
    expect(india.locator("#side-india")).to_contain_text("Completed")
    expect(india.locator("#current-status")).to_have_text("On track")
    japan.reload()
    expect(japan.locator("#awaiting")).to_contain_text("日本の確認待ち")
    confirm_send(japan, "インドの評価を確認", "Browser journey: confirmed at the review.", "メモ")
    expect(japan.locator("#current-status")).to_have_text("完了")

    india.reload()
    expect(india.locator("#current-status")).to_have_text("Completed")
    timeline = india.locator("#timeline")
    expect(timeline).to_contain_text("confirmed at the review")
    expect(timeline.locator("li.trail-confirm")).to_have_count(2)
    target = Commitment.objects.get(code="MAR-07")
    assert (target.status, target.india_status, target.japan_status) == ("completed",) * 3


def test_a_stale_edit_is_refused_and_names_the_change_it_missed(site):
    first = site.page("analyst")
    second = site.page("analyst")
    for page in (first, second):
        page.goto("/commitments/MAR-06/")
    entries_before = timeline_entries(second)
    updates_before = StatusUpdate.objects.filter(commitment__code="MAR-06").count()

    first_note = "First analyst: talks on the hydrography agreement postponed."
    second_note = "Second analyst: written on a stale page, must not be saved."
    status_update_send(first, "At risk", first_note)
    expect(first.locator("#side-india")).to_contain_text("At risk")

    status_update_send(second, "Off track", second_note)
    conflict = second.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Someone else changed this commitment")
    expect(conflict).to_contain_text(first_note)
    expect(second.locator("#side-india")).to_contain_text("At risk")

    second.reload()
    timeline = second.locator("#timeline")
    expect(timeline).to_contain_text(first_note)
    expect(timeline).not_to_contain_text(second_note)
    assert timeline_entries(second) == entries_before + 1
    assert StatusUpdate.objects.filter(commitment__code="MAR-06").count() == updates_before + 1


def test_manager_dashboard_draws_its_charts_and_its_figures_lead_to_their_lists(site):
    # At least one maritime commitment at risk, agreed by both sides, whatever the demo says.
    for username in ("analyst", "analyst_jp"):
        status_update_create(
            commitment=Commitment.objects.get(code="MAR-07"),
            author=User.objects.get(username=username),
            status=Status.AT_RISK,
            note="Set up for the dashboard journey.",
            expected_version=None,
        )
    page = site.page("manager")
    charts_drawn(page)

    cell = page.get_by_role("link", name=re.compile(r"^Maritime security, At risk: \d+$"))
    figure = cell.inner_text().strip()
    assert int(figure) >= 1
    cell.click()
    page.wait_for_url(re.compile(r"/commitments/\?pillar=maritime&status=at_risk$"))
    expect(page.locator("#result-count")).to_have_text(figure)
    expect(page.locator("tbody tr td:first-child a")).to_have_count(int(figure))


def test_a_manager_switches_to_japanese_and_the_dashboard_and_its_charts_follow(site):
    # The "who leads" chart shows once one side leads a commitment; update() retires no
    # cached figures, so retire them here.
    india_led("MAR-02")
    cache.invalidate(cache.DASHBOARD)
    page = site.page("manager")
    expect(page.get_by_role("heading", name="Implementation dashboard")).to_be_visible()

    page.get_by_label("Language").select_option("ja")
    page.get_by_role("button", name="Change language").click()

    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", name="実施状況ダッシュボード")).to_be_visible()
    charts_drawn(page, lead_sides=True)
    titles = page.evaluate(
        "() => ['chart-pillar-status', 'chart-pillar-progress', 'chart-lead-sides']"
        ".map((id) => Chart.getChart(document.getElementById(id)).options.plugins.title.text)"
    )
    assert titles == ["柱別のステータス構成", "柱別の進捗", "主導別"]
    pillars = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-pillar-status')).data.labels"
        ".map((lines) => [].concat(lines).join(''))"
    )
    assert "海洋安全保障" in pillars
    # Saved for the user: a new session opens in Japanese whatever the browser asks.
    assert User.objects.get(username="manager").language == "ja"
    again = site.page("manager")
    expect(again.locator("html")).to_have_attribute("lang", "ja")


def test_viewer_sees_no_edit_control_and_no_export(site):
    # The same controls, as an analyst of the pillar sees them: the checks below can fail.
    analyst = site.page("analyst")
    analyst.goto("/commitments/MAR-01/")
    expect(analyst.get_by_role("button", name=SAVE_ASSESSMENT)).to_have_count(1)
    expect(analyst.get_by_text("Add a milestone")).to_have_count(1)
    expect(analyst.get_by_role("button", name=re.compile(r"^Mark done"))).not_to_have_count(0)
    analyst.goto("/commitments/")
    expect(analyst.get_by_role("link", name="Export CSV")).to_have_count(1)

    page = site.page("viewer")
    page.goto("/commitments/")
    expect(page.locator("#result-count")).to_be_visible()
    expect(page.get_by_role("link", name="Export CSV")).to_have_count(0)
    expect(page.get_by_role("link", name="Export Excel")).to_have_count(0)
    expect(page.locator("a[href*='/export.']")).to_have_count(0)
    expect(page.get_by_role("button", name=SAVE_ASSESSMENT)).to_have_count(0)

    page.get_by_role("link", name="MAR-01", exact=True).click()
    page.wait_for_url("**/commitments/MAR-01/")
    expect(page.locator("tr[id^='milestone-']")).not_to_have_count(0)
    expect(page.get_by_role("button", name=SAVE_ASSESSMENT)).to_have_count(0)
    expect(page.get_by_label("Status", exact=True)).to_have_count(0)
    expect(page.get_by_text("Add a milestone")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"Mark done"))).to_have_count(0)
    expect(page.locator("a[href*='/export.']")).to_have_count(0)


def test_screenshots(site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    manager = site.page("manager")
    charts_drawn(manager)
    manager.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=True)
    manager.goto("/commitments/")
    manager.screenshot(path=SCREENSHOTS / "commitments.png", full_page=True)
    manager.goto("/audit/?commitment=MAR-01")
    manager.screenshot(path=SCREENSHOTS / "audit.png", full_page=True)

    analyst = site.page("analyst")
    analyst.goto("/commitments/MAR-01/")
    expect(analyst.locator("#timeline")).to_be_visible()
    analyst.screenshot(path=SCREENSHOTS / "commitment.png", full_page=True)

    phone = site.page("manager", viewport=PHONE)
    charts_drawn(phone)
    phone.screenshot(path=SCREENSHOTS / "dashboard-phone.png", full_page=True)

    # The same pages as a Japanese official sees them (saved language: Japanese).
    manager_jp = site.page("manager_jp")
    charts_drawn(manager_jp)
    manager_jp.screenshot(path=SCREENSHOTS / "dashboard-ja.png", full_page=True)
    manager_jp.goto("/commitments/")
    manager_jp.screenshot(path=SCREENSHOTS / "commitments-ja.png", full_page=True)
    analyst_jp = site.page("analyst_jp")
    analyst_jp.goto("/commitments/MAR-01/")
    expect(analyst_jp.locator("#timeline")).to_be_visible()
    analyst_jp.screenshot(path=SCREENSHOTS / "commitment-ja.png", full_page=True)
    phone_jp = site.page("analyst_jp", viewport=PHONE)
    phone_jp.goto("/commitments/")
    phone_jp.screenshot(path=SCREENSHOTS / "commitments-phone-ja.png")

    for name in (
        "dashboard",
        "commitments",
        "commitment",
        "dashboard-phone",
        "audit",
        "dashboard-ja",
        "commitments-ja",
        "commitment-ja",
        "commitments-phone-ja",
    ):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000, name
