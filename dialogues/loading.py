"""Load the data file's dialogue mechanisms, after the commitments' part of it."""

from typing import Any

from commitments.loading import Loaded, LoadReport, row_upsert
from commitments.models import Declaration, Organisation, Pillar

from .models import DialogueMechanism


def mechanism_load(
    *,
    declaration: Declaration,
    pillar: Pillar,
    organisations: list[Organisation],
    item: dict[str, Any],
    report: LoadReport,
) -> DialogueMechanism:
    """Create or refresh a mechanism from the data file; its leads stay as users set them."""
    mechanism, created = row_upsert(
        DialogueMechanism,
        {"slug": item["slug"]},
        {
            "declaration": declaration,
            "pillar": pillar,
            "name": item["name"],
            "description": item.get("description", ""),
            "cadence": item.get("cadence", "annual"),
            "established": item.get("established", True),
            "source_clause": item["source_clause"],
            "paragraph": item["paragraph"],
        },
        report,
    )
    if created:
        mechanism.lead_organisations.set(organisations)
    return mechanism


def mechanisms_load(*, data: dict[str, Any], loaded: Loaded, report: LoadReport) -> None:
    """Create or refresh every mechanism the data file lists."""
    for item in data.get("dialogue_mechanisms", []):
        mechanism_load(
            declaration=loaded.declaration,
            pillar=loaded.pillars[item["pillar"]],
            organisations=[loaded.organisations[s] for s in item.get("lead_organisations", [])],
            item=item,
            report=report,
        )
