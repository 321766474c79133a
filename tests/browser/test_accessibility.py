"""Accessibility, checked by a machine and by the keyboard.

axe-core (from its npm package) audits each main page against WCAG 2 A and AA: every control
labelled, contrast sufficient, landmarks and headings in order. Any serious or critical
violation fails the test.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["/", "/commitments/", "/commitments/MAR-01/", "/dialogues/", "/declaration/"]


def violations(page) -> list[str]:
    # Evaluated by the browser's DevTools protocol, not added as an inline <script>, which
    # the tracker's Content Security Policy rightly refuses.
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa"]});
            return result.violations
                .filter((v) => v.impact === "serious" || v.impact === "critical")
                .map((v) => v.id + ": " + v.help + " — " + v.nodes.slice(0, 3)
                    .map((n) => n.target.join(" ")).join(", "));
        }"""
    )
    return [f"{page.url}: {item}" for item in found]


# The demo's users of each language: analyst_jp and manager_jp read the tracker in Japanese.
READERS = {
    "en": ("analyst", "manager", "Audit log"),
    "ja": ("analyst_jp", "manager_jp", "監査ログ"),
}


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_main_pages_have_no_serious_accessibility_violation(site, language):
    analyst, manager_name, audit_heading = READERS[language]
    page = site.page(analyst)
    found = []
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == language
        found += violations(page)
    manager = site.page(manager_name)
    manager.goto("/audit/?commitment=MAR-01")
    assert manager.get_by_role("heading", name=audit_heading).is_visible()
    assert manager.locator("article.audit-event table").count() > 0
    found += violations(manager)
    anonymous = site.page()
    anonymous.set_extra_http_headers({"Accept-Language": language})
    anonymous.goto("/accounts/login/")
    assert anonymous.locator("html").get_attribute("lang") == language
    found += violations(anonymous)

    assert found == []


def test_logging_in_works_from_the_keyboard_alone(site):
    page = site.page()
    page.goto("/accounts/login/")
    # The username field takes the focus on arrival (autofocus); wait for it before typing,
    # or the first keys can land before the browser has moved the focus there.
    expect(page.get_by_label("Username")).to_be_focused()

    page.keyboard.type("viewer")
    page.keyboard.press("Tab")
    page.keyboard.type(site.password)
    page.keyboard.press("Enter")

    page.wait_for_url(f"{site.url}/")
    assert page.get_by_role("heading", name="Implementation dashboard").is_visible()


def test_the_audit_notices_an_unlabelled_control(site):
    page = site.page("viewer")
    page.goto("/commitments/")
    page.evaluate("document.querySelector('main').append(document.createElement('input'))")

    assert any("label" in item for item in violations(page))
