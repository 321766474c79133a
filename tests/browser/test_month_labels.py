"""The dashboard's trend names its months as each language writes them (issue 27)."""

import re

from playwright.sync_api import expect


def month_labels(page) -> list[str]:
    rows = page.locator("#trend-table tbody th")
    expect(rows.first).to_be_attached()
    return rows.all_text_contents()  # the table sits in a closed <details>


def test_the_trend_names_months_in_the_readers_language(site):
    japanese = site.page("viewer_jp")  # saved language: Japanese
    english = site.page("viewer")

    for page, pattern in (
        (japanese, r"\d{4}年\d{1,2}月"),  # 「2025年8月」
        (english, r"[A-Z][a-z]{2} \d{4}"),  # "Aug 2025"
    ):
        labels = month_labels(page)
        assert labels, "the trend shows no month"
        assert all(re.fullmatch(pattern, label.strip()) for label in labels), labels
    assert month_labels(japanese)[0] == "2025年8月"  # the declaration's month comes first
    assert month_labels(english)[0] == "Aug 2025"
