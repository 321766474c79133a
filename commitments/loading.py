"""Load the declaration's data file: its text, pillars, organisations and commitments.

Loading is keyed by slug and code, so it can run again at any time. A changed data file
updates names, titles and texts; what users have set (status, progress, owners, dates,
milestones) is never touched.
"""

import dataclasses
import datetime
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from declaration_tracker.core.versioning import lock_for_write, versioned_save

from .choices import LeadSide, OrganisationKind, Priority, Side
from .models import Commitment, Declaration, Organisation, Pillar

DATA_FILE = Path(__file__).resolve().parent / "data" / "declaration.yaml"
REQUIRED_KEYS = {
    "declaration": ("title", "date", "place", "occasion", "text"),
    "pillars": ("slug", "code_prefix", "name", "description"),
    "organisations": ("slug", "name", "side", "kind"),
    "commitments": ("code", "pillar", "title", "source_clause", "paragraph"),
    "dialogue_mechanisms": ("slug", "pillar", "name", "source_clause", "paragraph"),
}
PILLAR_SLUGS = ("defence", "maritime", "industry", "technology", "multilateral", "dialogue")


@dataclasses.dataclass
class LoadReport:
    created: dict[str, int] = dataclasses.field(default_factory=dict)
    updated: dict[str, int] = dataclasses.field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    def __str__(self) -> str:
        def fmt(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing"

        return f"created {fmt(self.created)}; updated {fmt(self.updated)}"


def declaration_data_read(path: Path = DATA_FILE) -> dict[str, Any]:
    """Read the data file; a file that is not YAML is refused with where it went wrong."""
    with Path(path).open(encoding="utf-8") as handle:
        try:
            data = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise ValidationError([f"{path} is not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise ValidationError([f"{path} holds no declaration data."])
    return data


def declaration_data_check(data: dict[str, Any]) -> None:
    """Refuse a data file that breaks the tracker's assumptions, naming each problem."""
    problems: list[str] = []
    for section, keys in REQUIRED_KEYS.items():
        entries = data.get(section) if isinstance(data, dict) else None
        if section == "declaration":
            entries = [entries] if isinstance(entries, dict) else None
        if not isinstance(entries, list) or not entries:
            problems.append(f"{section}: missing or empty")
            continue
        for index, entry in enumerate(entries, start=1):
            name = entry.get("code") or entry.get("slug") if isinstance(entry, dict) else None
            missing = [k for k in keys if not isinstance(entry, dict) or entry.get(k) in (None, "")]
            if missing:
                problems.append(
                    f"{name or f'{section} entry {index}'}: missing {', '.join(missing)}"
                )
            elif "paragraph" in keys and not isinstance(entry["paragraph"], int):
                problems.append(f"{name}: paragraph must be a whole number")
    if problems:
        raise ValidationError(problems)
    text: str = data["declaration"]["text"]
    paragraphs = text.splitlines()
    slugs = tuple(p["slug"] for p in data["pillars"])
    if sorted(slugs) != sorted(PILLAR_SLUGS):
        problems.append(
            f"pillars must be exactly {', '.join(PILLAR_SLUGS)}; got {', '.join(slugs)}"
        )
    prefixes = {p["slug"]: p["code_prefix"] for p in data["pillars"]}
    organisations = {o["slug"] for o in data["organisations"]}
    for org in data["organisations"]:
        if org["side"] not in Side.values or org["kind"] not in OrganisationKind.values:
            problems.append(f"organisation {org['slug']}: unknown side or kind")
    codes: set[str] = set()
    for item in [*data["commitments"], *data.get("dialogue_mechanisms", [])]:
        key = item.get("code") or item["slug"]
        if key in codes:
            problems.append(f"{key}: appears twice")
        codes.add(key)
        number = item["paragraph"]
        if (
            not 1 <= number <= len(paragraphs)
            or item["source_clause"] not in paragraphs[number - 1]
        ):
            problems.append(f"{key}: source clause not found verbatim in paragraph {number}")
        for slug in item.get("lead_organisations", []):
            if slug not in organisations:
                problems.append(f"{key}: unknown organisation {slug}")
        if item["pillar"] not in prefixes:
            problems.append(f"{key}: unknown pillar {item['pillar']}")
    for item in data["commitments"]:
        if not item["code"].startswith(f"{prefixes.get(item['pillar'])}-"):
            problems.append(f"{item['code']}: code does not match pillar {item['pillar']}")
        if item.get("lead_side", LeadSide.JOINT) not in LeadSide.values:
            problems.append(f"{item['code']}: unknown lead side")
        if item.get("priority", Priority.MEDIUM) not in Priority.values:
            problems.append(f"{item['code']}: unknown priority")
    if problems:
        raise ValidationError(problems)


def row_upsert(model, lookup: dict[str, Any], values: dict[str, Any], report: LoadReport):
    """Create or update one row from the data file, naming the entry if the model refuses it."""
    try:
        return _upsert_row(model, lookup, values, report)
    except ValidationError as exc:
        entry = ", ".join(str(v) for v in lookup.values())
        raise ValidationError([f"{entry}: {message}" for message in exc.messages]) from exc


def _upsert_row(model, lookup: dict[str, Any], values: dict[str, Any], report: LoadReport):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = versioned_save(model(**lookup, **values))
        report.count(model._meta.verbose_name_plural, created=True, changed=False)
        return obj, True
    if hasattr(obj, "version"):
        obj = lock_for_write(obj, None)
    changed = {f: v for f, v in values.items() if getattr(obj, f) != v}
    if changed:
        for field, value in changed.items():
            setattr(obj, field, value)
        versioned_save(obj)
    report.count(model._meta.verbose_name_plural, created=False, changed=bool(changed))
    return obj, False


@dataclasses.dataclass
class Loaded:
    """What a load of the commitments' part made, for the parts loaded after it."""

    declaration: Declaration
    pillars: dict[str, Pillar]
    organisations: dict[str, Organisation]


@transaction.atomic
def commitments_load(*, data: dict[str, Any], report: LoadReport) -> Loaded:
    """Load or refresh the declaration, its pillars, organisations and commitments.

    The data file's other parts (dialogue mechanisms) are loaded by their own apps, with what
    this returns; `declaration_tracker.declaration.loading` loads the whole file.
    """
    declaration_data_check(data)
    meta = data["declaration"]
    date = meta["date"]
    if not isinstance(date, datetime.date):
        date = datetime.date.fromisoformat(str(date))
    declaration, _ = row_upsert(
        Declaration,
        {"title": meta["title"], "date": date},
        {"place": meta["place"], "occasion": meta["occasion"], "text": meta["text"].rstrip("\n")},
        report,
    )
    pillars = {}
    for position, item in enumerate(data["pillars"], start=1):
        pillars[item["slug"]], _ = row_upsert(
            Pillar,
            {"slug": item["slug"]},
            {
                "code_prefix": item["code_prefix"],
                "name": item["name"],
                "description": item["description"],
                "position": position,
            },
            report,
        )
    organisations = {}
    for item in data["organisations"]:
        organisations[item["slug"]], _ = row_upsert(
            Organisation,
            {"slug": item["slug"]},
            {k: item.get(k, "") for k in ("name", "acronym", "side", "kind")},
            report,
        )
    for item in data["commitments"]:
        commitment, created = row_upsert(
            Commitment,
            {"code": item["code"]},
            {
                "declaration": declaration,
                "pillar": pillars[item["pillar"]],
                "title": item["title"],
                "description": item.get("description", ""),
                "source_clause": item["source_clause"],
                "paragraph": item["paragraph"],
            },
            report,
        )
        if created:
            # Lead side, priority and owners are the users' once loaded: set them only once.
            commitment.lead_side = item.get("lead_side", LeadSide.JOINT)
            commitment.priority = item.get("priority", Priority.MEDIUM)
            commitment.save(update_fields=["lead_side", "priority"])
            commitment.lead_organisations.set(
                [organisations[slug] for slug in item.get("lead_organisations", [])]
            )
    return Loaded(declaration=declaration, pillars=pillars, organisations=organisations)
