"""The event types a subscription may ask for: those the services of commitments and dialogues
emit (`commitments.events`), then the discussion's (`discussion.events`)."""

from commitments.events import EventType as RecordEventType
from discussion.events import EventType as DiscussionEventType

CHOICES = [*RecordEventType.choices, *DiscussionEventType.choices]
VALUES = [value for value, _label in CHOICES]
