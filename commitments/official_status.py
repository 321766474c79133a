"""The rule that turns two governments' assessments into the official status.

Pure: no database. The services apply it to each status update; the property tests check it against
a reference model; a past state is reproduced by replaying the trail through it.

- A commitment led by one side: the lead side's assessment is official at once, except a
  move to completed or discontinued, which stays proposed until the other side gives the
  same status (two keys for closing a commitment).
- A joint commitment: the official status moves only when both sides' assessments agree.
- While the sides differ in a way that holds the official status back, the side that did not
  make the latest status update is the one awaited.
"""

from dataclasses import dataclass

from access.choices import Side, counterpart

from .choices import CLOSING_STATUSES, LeadSide, TrailKind


@dataclass(frozen=True)
class Outcome:
    official: str
    awaiting: str  # a Side value, or "" when nobody is awaited


def resolve(
    *, lead_side: str, official: str, india: str, japan: str, updating_side: str
) -> Outcome:
    """The official status and the awaited side after `updating_side`'s latest status update."""
    if india == japan:
        return Outcome(official=india, awaiting="")
    statuses = {Side.INDIA: india, Side.JAPAN: japan}
    if lead_side == LeadSide.JOINT:
        return Outcome(official=official, awaiting=counterpart(updating_side))
    lead_status = statuses[lead_side]
    if lead_status in CLOSING_STATUSES:
        # The lead proposes to close; whoever did not act last is awaited (the counterpart
        # to confirm, or, once the counterpart has declined, the lead to answer).
        return Outcome(official=official, awaiting=counterpart(updating_side))
    return Outcome(official=lead_status, awaiting="")


def status_update_kind(*, side: str, status: str, before: dict[str, str], awaiting: str) -> str:
    """What kind of status update this is: a confirmation (it ends a difference of view by
    taking the other side's status), a decline (the awaited side answers with a status of its
    own), or else the plain kind, `TrailKind.REPORT` (stored as "report").
    """
    other = before[counterpart(side)]
    if status == other and before[side] != other:
        return TrailKind.CONFIRM
    if awaiting == side and status != other:
        return TrailKind.DECLINE
    return TrailKind.REPORT
