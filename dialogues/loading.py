"""Load the data file's dialogue mechanisms, after the commitments' part of it.

A mechanism follows the data file field by field while nobody has edited it, and keeps a
user's edit otherwise (as commitments do, `commitments.loading`); its lead organisations are
set once, when it is created, and its lead users are the users' alone. The commitment that
reinforces it (`reinforced_by`, by code; none for some) follows the file as its other fields do.
"""

from typing import Any

from django.core.exceptions import ValidationError

from commitments.loading import Loaded, LoadReport, file_fields_sync, file_row_save
from commitments.models import Commitment
from declaration_tracker.core.versioning import versioned_save

from .choices import Cadence
from .models import DialogueMechanism


def mechanism_load(
    item: dict[str, Any],
    *,
    loaded: Loaded,
    commitments: dict[str, Commitment],
    report: LoadReport,
    force: bool = False,
) -> DialogueMechanism:
    """Create a mechanism from its data-file entry, or bring an existing one up to it.

    `commitments` maps the codes the file's mechanisms name as `reinforced_by` to their rows.
    """
    wanted = {
        "pillar": item["pillar"],
        "reinforced_by": item.get("reinforced_by"),
        "name": item["name"],
        "name_ja": item.get("name_ja", ""),
        "description": item.get("description", ""),
        "description_ja": item.get("description_ja", ""),
        "context": item.get("context", ""),
        "context_ja": item.get("context_ja", ""),
        "cadence": item.get("cadence", Cadence.UNSPECIFIED),
        "established": item.get("established", True),
        "source_clause": item["source_clause"],
        "paragraph": item["paragraph"],
        "inferred_fields": sorted(item.get("inferred", [])),
    }
    related = {"pillar": loaded.pillars, "reinforced_by": commitments}
    label = f"Mechanism {item['slug']}"
    kind = DialogueMechanism._meta.verbose_name_plural
    code = wanted["reinforced_by"]
    try:
        mechanism = DialogueMechanism.objects.filter(slug=item["slug"]).first()
        if mechanism is None:
            mechanism = DialogueMechanism(
                slug=item["slug"],
                declaration=loaded.declaration,
                **{
                    **wanted,
                    "pillar": loaded.pillars[item["pillar"]],
                    "reinforced_by": commitments[code] if code else None,
                },
                loaded_values=wanted,
            )
            versioned_save(mechanism)
            mechanism.lead_organisations.set(
                [loaded.organisations[s] for s in item.get("lead_organisations", [])]
            )
            report.count(kind, created=True, changed=False)
            return mechanism
        sync = file_fields_sync(
            mechanism, wanted, label=label, related=related, report=report, force=force
        )
        file_row_save(mechanism, related, sync)
        report.count(kind, created=False, changed=sync.changed)
        return mechanism
    except ValidationError as exc:
        raise ValidationError([f"{label}: {message}" for message in exc.messages]) from exc


def mechanisms_load(
    *, data: dict[str, Any], loaded: Loaded, report: LoadReport, force: bool = False
) -> None:
    """Create or refresh every mechanism the data file lists."""
    items = data.get("dialogue_mechanisms", [])
    codes = {item["reinforced_by"] for item in items if item.get("reinforced_by")}
    commitments = {c.code: c for c in Commitment.objects.filter(code__in=codes)}
    for item in items:
        mechanism_load(item, loaded=loaded, commitments=commitments, report=report, force=force)
