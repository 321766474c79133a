"""Load the whole data file: the commitments' part, then the dialogue mechanisms."""

from typing import Any

from django.db import transaction

from commitments.loading import LoadReport, commitments_load
from dialogues.loading import mechanisms_load


@transaction.atomic
def declaration_load(*, data: dict[str, Any]) -> LoadReport:
    """Load or refresh the declaration and everything the data file derives from it."""
    report = LoadReport()
    loaded = commitments_load(data=data, report=report)
    mechanisms_load(data=data, loaded=loaded, report=report)
    return report
