"""Load the whole data file: the commitments' part, then the dialogue mechanisms."""

from typing import Any

from django.db import transaction

from commitments.loading import LoadReport, commitments_load
from declaration_tracker.core.events import emit, figures_changed
from dialogues.loading import mechanisms_load


@transaction.atomic
def declaration_load(*, data: dict[str, Any], force: bool = False) -> LoadReport:
    """Load or refresh the declaration and everything the data file derives from it.

    Users' edits of commitments and mechanisms are kept and reported; `force` overwrites
    them with the file's values, and reports what it overwrote.
    """
    report = LoadReport()
    loaded = commitments_load(data=data, report=report, force=force)
    mechanisms_load(data=data, loaded=loaded, report=report, force=force)
    emit(figures_changed())  # one for the whole load
    return report
