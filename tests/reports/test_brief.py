"""The pre-meeting brief of a dialogue mechanism, read back from its PDF."""

import pytest

from access.choices import Marking, Side
from commitments import services
from commitments.choices import Status
from dialogues import services as dialogue_services
from dialogues.choices import MeetingState
from dialogues.models import DialogueMechanism
from tests.factories import analyst, commitment, days, manager
from tests.pdfs import pdf_pages, pdf_text, squeezed

pytestmark = pytest.mark.usefixtures("loaded")

SLUG = "coast-guard-commandant-meetings"
URL = f"/dialogues/{SLUG}/brief.pdf"


@pytest.fixture
def meetings():
    """The coast guard commandants met 20 days ago (an India-only outcome and a bilateral
    one at an earlier meeting); two action items open, one overdue; the next meeting planned
    in 40 days; DIA-04 has a milestone due before it and one after."""
    india = analyst("dialogue", "maritime", username="brief-in", side=Side.INDIA)
    mechanism = DialogueMechanism.objects.get(slug=SLUG)
    earlier = dialogue_services.meeting_create(
        mechanism=mechanism,
        actor=india,
        date=days(-200),
        state=MeetingState.HELD,
        outcome_summary="EARLIER-OUTCOME agreed to exchange liaison officers",
    )
    last = dialogue_services.meeting_create(
        mechanism=mechanism,
        actor=india,
        date=days(-20),
        place="Chennai",
        state=MeetingState.HELD,
        outcome_summary="NATIONAL-OUTCOME the Indian side will fund two exercises",
        marking=Marking.INDIA_ONLY,
    )
    dialogue_services.meeting_create(
        mechanism=mechanism, actor=india, date=days(40), place="Yokohama"
    )
    dialogue_services.action_item_create(
        meeting=last, actor=india, title="Draft the joint SAR procedures", due_date=days(-2)
    )
    dialogue_services.action_item_create(
        meeting=earlier,
        actor=india,
        title="Name the liaison officers",
        due_date=days(30),
        commitment=commitment("MAR-01"),
    )
    services.milestone_create(
        commitment=commitment("DIA-04"), actor=india, title="Agree the agenda", due_date=days(30)
    )
    services.milestone_create(
        commitment=commitment("DIA-04"), actor=india, title="Publish the record", due_date=days(90)
    )
    services.status_update_create(
        commitment=commitment("DIA-04"),
        author=india,
        status=Status.ON_TRACK,
        note="The commandants met.",
        expected_version=None,
    )
    return {"india": india, "mechanism": mechanism}


def brief(client, user) -> str:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="brief-{SLUG}-')
    return response.content


def test_the_brief_has_the_last_meeting_action_items_commitments_and_milestones(client, meetings):
    text = pdf_text(brief(client, meetings["india"]))
    words = squeezed(text)

    assert "Pre-meeting brief" in text
    assert "Coastguardcommandantmeetings" in words
    assert "ReinforcedbycommitmentDIA-04" in words
    last_day = days(-20).strftime("%-d %b %Y").replace(" ", "")
    assert f"Lastheldon{last_day}(Chennai)" in words
    assert "NATIONAL-OUTCOME" in words and "EARLIER-OUTCOME" not in words
    next_day = days(40).strftime("%-d %b %Y").replace(" ", "")
    assert f"Nextmeetingplannedon{next_day}(Yokohama)" in words
    assert "DrafttheJointSARprocedures(Overdue)".lower() in words.lower()
    assert "Nametheliaisonofficers" in words
    # Linked: DIA-04 first (it reinforces the mechanism), the dialogue pillar, and MAR-01
    # (an action item advances it).
    linked = words[words.index("Linkedcommitments") :]
    assert linked.index("DIA-04") < linked.index("DIA-01")
    assert "MAR-01" in linked and "DEF-01" not in linked
    assert "Officialstatus:Notstarted→Ontrack" not in linked  # DIA-04 is joint: not agreed
    assert "India'sassessment:Notstarted→Ontrack" in linked
    # Milestones due before the next meeting, not after.
    due = words[words.index("Milestonesdueby") :]
    assert "Agreetheagenda" in due and "Publishtherecord" not in due


def test_the_brief_honours_markings(client, meetings):
    japan = manager(username="brief-jp", side=Side.JAPAN)
    content = brief(client, japan)
    words = squeezed(pdf_text(content))
    assert "NATIONAL-OUTCOME" not in words
    assert "outsideyourreleasemarkings" in words
    assert all("Bilateral" in page for page in pdf_pages(content))
    indian = pdf_pages(brief(client, meetings["india"]))
    assert all("India only" in page for page in indian)


def test_a_mechanism_never_met_and_an_unknown_one(client, meetings):
    client.force_login(meetings["india"])
    words = squeezed(pdf_text(client.get("/dialogues/track-1-5-exchanges/brief.pdf").content))
    assert "Nomeetinghasbeenheldsincethedeclaration" in words
    assert "ReinforcedbycommitmentDIA-06" in words
    assert client.get("/dialogues/no-such-dialogue/brief.pdf").status_code == 404


def test_the_mechanism_page_links_its_brief(client, meetings):
    client.force_login(meetings["india"])
    page = client.get(f"/dialogues/{SLUG}/").content.decode()
    assert f'href="{URL}"' in page


@pytest.mark.parametrize("side", [Side.INDIA, Side.JAPAN])
def test_the_brief_lists_the_open_reconciliations_of_its_commitments(client, meetings, side):
    """DIA-04 (joint) has India's status and not Japan's: a reconciliation is open and the
    brief says so, to either side; one of a commitment the brief does not cover is left out."""
    services.status_update_create(
        commitment=commitment("DEF-01"),
        author=analyst("defence", username="brief-def", side=Side.INDIA),
        status=Status.AT_RISK,
        note="Elsewhere.",
        expected_version=None,
    )
    reader = manager(username=f"brief-rec-{side}", side=side)
    words = squeezed(pdf_text(brief(client, reader)))
    section = words[words.index("Openreconciliations") :]
    assert "DIA-04" in section and "Statusesdiffer" in section
    assert "DEF-01" not in section
