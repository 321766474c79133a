"""What the apps contribute to one another, in one place.

A lower layer reads these; a higher one adds to them in its `AppConfig.ready()`, so imports
still point down only (`commitments` never imports `dialogues`). The markable kinds are not
listed here: they are the `Markable` models themselves (`markable_models()`), so none can be
forgotten; the audited models are the audit log's own configuration
(`audit/recording.py`).
"""

from collections.abc import Callable

# Where reminders come from, for the notifications app's sweep: each takes an audience and
# returns what is due for it (commitments: milestones, quiet commitments, awaited
# confirmations; dialogues: action items and dialogue mechanisms).
reminder_sources: list[Callable] = []

# The markings of the items reminders name, by the prefix of their key (`milestone:12`,
# `comment:7` for a mention): each takes ids and returns {id: marking}. Keys of other kinds
# name nothing marked.
reminder_item_markings: dict[str, Callable] = {}

# Sections of a commitment's page filled in by apps above commitments (dialogues: its action
# items): each takes the commitment and the reader (whose markings it honours) and returns
# context for the page.
page_sections: list[Callable] = []


# What else a search finds a row by, beyond its own fields (discussion: the text of its comments).
# Each takes the model searched, one word and the reader, and returns a condition on the model's
# rows (only what the reader may read may match), or None for a model it adds nothing to.
search_sources: list[Callable] = []


# Evidence a status update may name besides a web link (discussion: an attachment of the same
# commitment, by its download path). Each takes the link as given, the commitment, the author
# and the marking of the status update's note and evidence; it returns the link to store if the
# link is its own, None if not, and raises a ValidationError on `evidence_url` if it is its own
# but may not be given.
evidence_sources: list[Callable] = []


def search_conditions(model, word: str, reader) -> list:
    """The conditions `search_sources` add for `word` on `model`'s rows, as `reader` reads."""
    found = []
    for source in search_sources:
        condition = source(model, word, reader)
        if condition is not None:
            found.append(condition)
    return found


def add(registry: list, *contributions: Callable) -> None:
    """Add contributions once, however often `ready()` runs."""
    for contribution in contributions:
        if contribution not in registry:
            registry.append(contribution)
