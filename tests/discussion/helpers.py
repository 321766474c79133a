"""What the tests of comments and attachments share: a milestone to write on, and its
re-marking (which narrows what is written on it)."""

from commitments import services
from commitments.models import Milestone
from tests.factories import commitment, days


def step(actor, title: str = "Step") -> Milestone:
    """A shared milestone of MAR-01, added by `actor`."""
    return services.milestone_create(
        commitment=commitment("MAR-01"), actor=actor, title=title, due_date=days(9)
    )


def step_remarked(milestone: Milestone, actor, marking: str) -> Milestone:
    """`milestone` given `marking` by `actor`, through its service."""
    milestone.refresh_from_db()
    return services.milestone_update(
        milestone=milestone, actor=actor, expected_version=milestone.version, marking=marking
    )
