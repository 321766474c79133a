from datetime import date

import pytest

from dialogues import services
from dialogues.choices import MeetingState
from tests.factories import analyst, nsa


@pytest.fixture
def editor():
    """An analyst of the dialogue pillar: may record meetings and action items."""
    return analyst("dialogue")


@pytest.fixture
def meeting(editor):
    return services.meeting_create(
        mechanism=nsa(),
        actor=editor,
        date=date(2026, 3, 10),
        place="Tokyo",
        state=MeetingState.PLANNED,
    )
