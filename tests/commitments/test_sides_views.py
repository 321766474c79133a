"""The two sides in the browser: the commitment page, its forms, the list and the dashboard."""

import html as markup
import re
import zoneinfo

import pytest
from django.urls import reverse

from access.choices import Side
from commitments import services
from commitments.choices import Status
from tests.factories import analyst, chief, commitment, led_by, manager, superuser, viewer

pytestmark = pytest.mark.usefixtures("loaded")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def india():
    return analyst("maritime", username="asha", first_name="Asha", side=Side.INDIA)


@pytest.fixture
def japan():
    return analyst("maritime", username="kenji", first_name="Kenji", side=Side.JAPAN)


def text(response) -> str:
    """The page as a reader sees its words: entities decoded, white space collapsed."""
    return " ".join(markup.unescape(response.content.decode()).split())


def page(client, user, code="MAR-01") -> str:
    client.force_login(user)
    return text(client.get(reverse("commitment-detail", args=[code])))


def section(html: str, element_id: str) -> str:
    """The element with `element_id`, up to the end of its first closing tag of the same kind."""
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"', html)
    assert match, f"no #{element_id}"
    tag = match.group(1)
    return html[match.start() : html.index(f"</{tag}>", match.start())]


def update_status(author, status, code="MAR-01", note="Reviewed."):
    return services.status_update_create(
        commitment=commitment(code), author=author, status=status, note=note, expected_version=None
    )


def test_the_page_shows_both_sides_side_by_side_the_official_status_and_who_is_awaited(
    client, india
):
    update = update_status(india, Status.AT_RISK, note="Berths not confirmed.")

    html = page(client, viewer(side=Side.JAPAN))

    assert 'id="current-status">Not started<' in html
    india_panel, japan_panel = section(html, "side-india"), section(html, "side-japan")
    assert "India's assessment" in india_panel and "At risk" in india_panel
    assert "Berths not confirmed." in india_panel and "Asha" in india_panel
    assert "Not started" in japan_panel and "Not reported yet." in japan_panel
    banner = section(html, "awaiting")
    # The day in the reader's zone (a Japanese viewer: Japan time).
    day = f"{update.created_at.astimezone(zoneinfo.ZoneInfo('Asia/Tokyo')):%-d %b %Y}"
    assert f"Awaiting Japan's confirmation since {day}" in banner
    assert 'id="sides-disagree"' in html
    # A viewer has neither form.
    assert 'id="status-form"' not in html and 'id="confirm-form"' not in html


def test_each_analyst_gets_their_own_sides_form_and_the_other_a_confirm_button(
    client, india, japan
):
    update_status(india, Status.AT_RISK)

    india_page = page(client, india)
    japan_page = page(client, japan)

    assert "Report India's assessment" in section(india_page, "status-form")
    assert 'name="side" value="india"' in india_page
    assert "Report Japan's assessment" in section(japan_page, "status-form")
    assert 'name="side" value="japan"' in japan_page
    assert "Confirm India's assessment" in section(japan_page, "confirm-form")
    # No control gives a status for the other side.
    assert 'value="japan"' not in india_page.replace('id="side-japan"', "")
    assert 'name="side" value="india"' not in japan_page


def test_a_chief_reports_for_their_own_side_only_and_the_operator_for_none(client):
    # Issue 23: a user of India is held to their side, whatever their roles.
    html = page(client, chief())

    form = section(html, "status-form")
    assert 'value="japan"' not in form
    # Issue 25: the operator is offered no status form at all.
    assert 'id="status-form"' not in page(client, superuser())


def test_confirming_in_the_browser_makes_the_status_official_and_shows_in_the_trail(
    client, india, japan
):
    update_status(india, Status.ON_TRACK, note="Plan agreed.")
    client.force_login(japan)

    response = client.post(
        reverse("commitment-confirm", args=["MAR-01"]),
        {"side": "japan", "note": "Agreed in Tokyo.", "version": commitment().version},
        **HTMX,
    )

    html = text(response)
    assert response.status_code == 200
    assert 'id="current-status">On track<' in html
    assert "Japan confirmed India's assessment of MAR-01." in html
    assert 'id="awaiting"' not in html
    timeline = section(html, "timeline")
    assert "Japan" in timeline and "confirmed India's assessment:" in timeline
    assert "Agreed in Tokyo." in timeline
    assert (commitment().status, commitment().awaiting_side) == (Status.ON_TRACK, "")


def test_a_confirmation_without_a_note_is_refused_beside_the_field_and_saves_nothing(
    client, india, japan
):
    update_status(india, Status.ON_TRACK)
    client.force_login(japan)

    response = client.post(
        reverse("commitment-confirm", args=["MAR-01"]),
        {"side": "japan", "note": "", "version": commitment().version},
        **HTMX,
    )

    form = section(text(response), "confirm-form")
    assert "This field is required." in form
    assert commitment().status == Status.NOT_STARTED
    assert commitment().status_updates.count() == 1


def test_declining_in_the_browser_gives_the_own_sides_status(client, india, japan):
    update_status(india, Status.COMPLETED)
    client.force_login(japan)

    client.post(
        reverse("commitment-status", args=["MAR-01"]),
        {"side": "japan", "status": "at_risk", "note": "Not finished here.", "version": 2},
    )

    target = commitment()
    assert (target.status, target.japan_status, target.awaiting_side) == (
        Status.NOT_STARTED,
        Status.AT_RISK,
        Side.INDIA,
    )
    html = page(client, japan)
    assert "declined to confirm, reporting" in section(html, "timeline")


def test_the_list_shows_and_filters_disagreements_and_who_is_awaited(client, india, japan):
    update_status(india, Status.AT_RISK, code="MAR-01")
    update_status(japan, Status.OFF_TRACK, code="MAR-02")
    led_by(Side.INDIA, "MAR-03")
    update_status(india, Status.ON_TRACK, code="MAR-03")  # led by India: apart, nobody awaited
    client.force_login(manager())

    def listed(query):
        response = client.get(f"/commitments/?{query}")
        return [c.code for c in response.context["page"]], text(response)

    apart, html = listed("sides_agree=false")
    assert apart == ["MAR-01", "MAR-02", "MAR-03"]
    assert html.count("Sides disagree</span>") == 3
    assert "Awaiting Japan</span>" in html and "Awaiting India</span>" in html
    assert listed("awaiting_side=japan")[0] == ["MAR-01"]
    assert listed("awaiting_side=india")[0] == ["MAR-02"]
    assert "MAR-01" not in listed("sides_agree=true&pillar=maritime")[0]
    refused = client.get("/commitments/?awaiting_side=korea")
    assert refused.status_code == 400
    assert refused.context["total"] == 0
    assert "Select a valid choice" in text(refused)


def test_the_dashboard_counts_disagreements_and_pending_confirmations_with_links(
    client, india, japan
):
    update_status(india, Status.AT_RISK, code="MAR-01")
    update_status(japan, Status.OFF_TRACK, code="MAR-02")
    client.force_login(manager())

    html = client.get("/").content.decode()  # links keep their &amp;

    assert re.search(r'href="/commitments/\?sides_agree=false"><span class="number">2</span>', html)
    assert re.search(
        r'href="/commitments/\?awaiting_side=japan"><span class="number">1</span>', html
    )
    table = section(html, "sides-table")
    assert 'aria-label="Maritime security, sides disagree: 2"' in table
    assert 'href="/commitments/?pillar=maritime&amp;awaiting_side=india"' in table
    for link in re.findall(r'href="(/commitments/\?[^"]+)"', table):
        assert client.get(link.replace("&amp;", "&")).status_code == 200
