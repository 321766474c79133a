"""Load the declaration's data file: its text (a published summary of the declaration, recorded
as its `source`), pillars, organisations and commitments.

Loading is keyed by slug and code, so it can run again at any time (every `make run` and
deployment does). A reload never undoes what users wrote: each commitment and mechanism keeps
what the data file said at the last load (`loaded_values`), and a field follows the file only
while it still holds that value; once a user has changed it, the user's value stays and the
report says what the file says now. `force=True` overwrites deliberately and says what it
overwrote. Lead side, priority and lead organisations are set once, when a commitment is
created; status, progress, owners, dates and milestones are the users' alone.
"""

import dataclasses
import datetime
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from declaration_tracker.core.events import emit
from declaration_tracker.core.versioning import lock_for_write, versioned_save

from .choices import (
    INFERABLE_COMMITMENT_FIELDS,
    INFERABLE_MECHANISM_FIELDS,
    CommitmentStrength,
    LeadSide,
    OrganisationKind,
    OrganisationSide,
    Priority,
    SourceKind,
    SourceLanguage,
)
from .declaration_layout import declaration_paragraphs
from .events import item_changed
from .models import Commitment, Declaration, Organisation, Pillar, SourceDocument

DATA_FILE = Path(__file__).resolve().parent / "data" / "declaration.yaml"
# Every title and name also in Japanese (`_ja`): the tracker's unofficial translation.
REQUIRED_KEYS = {
    "declaration": ("title", "date", "place", "occasion", "text"),
    "pillars": ("slug", "code_prefix", "name", "name_ja", "description", "description_ja"),
    "organisations": ("slug", "name", "name_ja", "side", "kind"),
    "commitments": ("code", "pillar", "title", "title_ja", "source_clause", "paragraph"),
    "dialogue_mechanisms": ("slug", "pillar", "name", "name_ja", "source_clause", "paragraph"),
}
PILLAR_SLUGS = ("defence", "maritime", "industry", "technology", "multilateral", "dialogue")


@dataclasses.dataclass
class LoadReport:
    created: dict[str, int] = dataclasses.field(default_factory=dict)
    updated: dict[str, int] = dataclasses.field(default_factory=dict)
    kept: list[str] = dataclasses.field(default_factory=list)  # users' edits left in place
    overwritten: list[str] = dataclasses.field(default_factory=list)  # users' edits replaced

    def count(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    def __str__(self) -> str:
        def fmt(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing"

        said = f"created {fmt(self.created)}; updated {fmt(self.updated)}"
        if self.kept:
            said += f"; kept {len(self.kept)} edited value{'s' if len(self.kept) > 1 else ''}"
        if self.overwritten:
            said += f"; overwrote {len(self.overwritten)} edited value(s)"
        return said


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
            elif "paragraph" in keys and (
                not isinstance(entry["paragraph"], int) or isinstance(entry["paragraph"], bool)
            ):
                problems.append(f"{name}: paragraph must be a whole number")
            elif "source_clause" in keys and not isinstance(entry["source_clause"], str):
                problems.append(f"{name}: source_clause must be text, quoted from the declaration")
            elif not isinstance(entry.get("clause_part", ""), str):
                problems.append(f"{name}: clause_part must be text, quoted from its clause")
    problems += summary_check(data["declaration"].get("source"))
    if problems:
        raise ValidationError(problems)
    text: str = data["declaration"]["text"]
    paragraphs = declaration_paragraphs(text)
    slugs = tuple(p["slug"] for p in data["pillars"])
    if sorted(slugs) != sorted(PILLAR_SLUGS):
        problems.append(
            f"pillars must be exactly {', '.join(PILLAR_SLUGS)}; got {', '.join(slugs)}"
        )
    prefixes = {p["slug"]: p["code_prefix"] for p in data["pillars"]}
    organisations = {o["slug"] for o in data["organisations"]}
    others = {o["slug"] for o in data["organisations"] if o.get("side") == OrganisationSide.OTHER}
    for org in data["organisations"]:
        if org["side"] not in OrganisationSide.values or org["kind"] not in OrganisationKind.values:
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
            problems.append(
                f"{key}: source clause not found verbatim in paragraph {number} of the text"
            )
        for slug in item.get("lead_organisations", []):
            if slug not in organisations:
                problems.append(f"{key}: unknown organisation {slug}")
        if item["pillar"] not in prefixes:
            problems.append(f"{key}: unknown pillar {item['pillar']}")
        if item.get("clause_part") and item["clause_part"] not in item["source_clause"]:
            problems.append(f"{key}: clause_part is not words of its source clause")
        unknown = set(item.get("inferred", [])) - set(
            INFERABLE_COMMITMENT_FIELDS if "code" in item else INFERABLE_MECHANISM_FIELDS
        )
        if unknown:
            problems.append(f"{key}: cannot mark {', '.join(sorted(unknown))} as inferred")
    for item in data["commitments"]:
        if item.get("commitment_strength") not in CommitmentStrength.values:
            problems.append(f"{item['code']}: unknown or missing commitment_strength")
        for slug in item.get("partners", []):
            if slug not in others:
                problems.append(f"{item['code']}: partner {slug} is not a body of neither side")
        if not item["code"].startswith(f"{prefixes.get(item['pillar'])}-"):
            problems.append(f"{item['code']}: code does not match pillar {item['pillar']}")
        if item.get("lead_side", LeadSide.JOINT) not in LeadSide.values:
            problems.append(f"{item['code']}: unknown lead side")
        if item.get("priority", Priority.MEDIUM) not in Priority.values:
            problems.append(f"{item['code']}: unknown priority")
    pillar_of = {item["code"]: item["pillar"] for item in data["commitments"]}
    for item in data.get("dialogue_mechanisms", []):
        code = item.get("reinforced_by")
        if code is None:
            continue
        if not isinstance(code, str) or code not in pillar_of:
            problems.append(
                f"{item['slug']}: reinforced_by {code} is not a commitment of the data file"
            )
        elif pillar_of[code] != item["pillar"]:
            problems.append(
                f"{item['slug']}: reinforced_by {code} is of pillar {pillar_of[code]}, "
                f"not the mechanism's {item['pillar']}"
            )
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
def commitments_load(*, data: dict[str, Any], report: LoadReport, force: bool = False) -> Loaded:
    """Load or refresh the declaration, its pillars, organisations and commitments.

    The data file's other parts (dialogue mechanisms) are loaded by their own apps, with what
    this returns; `declaration.loading` loads the whole file.
    """
    declaration_data_check(data)
    meta = data["declaration"]
    date = meta["date"]
    if not isinstance(date, datetime.date):
        date = datetime.date.fromisoformat(str(date))
    declaration, _ = row_upsert(
        Declaration,
        {"title": meta["title"], "date": date},
        {
            "place": meta["place"],
            "occasion": meta["occasion"],
            "text": meta["text"].rstrip("\n"),
            **{k: meta.get(k, "") for k in ("title_ja", "place_ja", "occasion_ja")},
        },
        report,
    )
    if meta.get("source"):
        _document, created, changed = summary_load(declaration=declaration, meta=meta["source"])
        report.count(SourceDocument._meta.verbose_name_plural, created=created, changed=changed)
    pillars = {}
    for position, item in enumerate(data["pillars"], start=1):
        pillars[item["slug"]], _ = row_upsert(
            Pillar,
            {"slug": item["slug"]},
            {
                "code_prefix": item["code_prefix"],
                "name": item["name"],
                "name_ja": item.get("name_ja", ""),
                "description": item["description"],
                "description_ja": item.get("description_ja", ""),
                "position": position,
            },
            report,
        )
    organisations = {}
    for item in data["organisations"]:
        organisations[item["slug"]], _ = row_upsert(
            Organisation,
            {"slug": item["slug"]},
            {
                **{k: item.get(k, "") for k in ("name", "name_ja", "acronym", "side", "kind")},
                "inferred": bool(item.get("inferred", False)),
            },
            report,
        )
    for item in data["commitments"]:
        commitment_load(
            item,
            declaration=declaration,
            pillars=pillars,
            organisations=organisations,
            report=report,
            force=force,
        )
    return Loaded(declaration=declaration, pillars=pillars, organisations=organisations)


# --- Commitments and mechanisms: follow the file, keep the users' edits


def _natural_key(row) -> str:
    """How the data file names a related row: a commitment by code, anything else by slug."""
    return row.code if isinstance(row, Commitment) else row.slug


def _comparable(obj, field: str):
    """A field's value as the data file writes it: related rows by their natural key (slug,
    or code), many in order."""
    model_field = obj._meta.get_field(field)
    if model_field.many_to_many:
        return sorted(_natural_key(row) for row in getattr(obj, field).all()) if obj.pk else []
    if model_field.many_to_one:
        related = getattr(obj, field)
        return _natural_key(related) if related is not None else None
    return getattr(obj, field)


def _shown(value) -> str:
    text = ", ".join(value) if isinstance(value, list) else str(value)
    return f"“{text[:120]}{'…' if len(text) > 120 else ''}”"


@dataclasses.dataclass
class FileSync:
    """What `file_fields_sync` decided for a row: the fields it changed, and the related rows
    (by slug) its many-to-many fields are to hold once the row is saved."""

    fields: list[str] = dataclasses.field(default_factory=list)
    many: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.fields)


def file_fields_sync(
    obj,
    wanted: dict[str, Any],
    *,
    label: str,
    related: dict[str, dict[str, Any]],
    report: LoadReport,
    force: bool,
) -> FileSync:
    """Bring the data file's fields of an existing row up to the file, except where a user has
    changed them since the last load: keep those (and report them) unless `force`.

    `wanted` holds each field as the file writes it (related rows by slug or code, or None);
    `related` maps a relation's slugs (or codes) to rows. What the file said is remembered in
    `loaded_values` either way; the caller saves with `file_row_save`.
    """
    loaded = dict(obj.loaded_values or {})
    sync = FileSync()
    for field, value in wanted.items():
        current = _comparable(obj, field)
        if current != value:
            # A field the file did not give at the last load (one added since, such as
            # `context_ja`) is edited only if someone wrote into it; still empty, it follows.
            edited = loaded[field] != current if field in loaded else current not in ("", None, [])
            if edited and not force:
                report.kept.append(
                    f"{label} {field}: kept the edited value; "
                    f"the data file now says {_shown(value)}"
                )
            else:
                if edited:
                    report.overwritten.append(
                        f"{label} {field}: overwrote the edited value {_shown(current)} with the "
                        f"data file's {_shown(value)}"
                    )
                model_field = obj._meta.get_field(field)
                if model_field.many_to_many:
                    sync.many[field] = value
                elif model_field.many_to_one:
                    setattr(obj, field, None if value is None else related[field][value])
                else:
                    setattr(obj, field, value)
                sync.fields.append(field)
        loaded[field] = value
    obj.loaded_values = loaded
    return sync


def file_row_save(obj, related: dict[str, dict[str, Any]], sync: FileSync) -> None:
    """Save what `file_fields_sync` decided: a changed row (a new version, and its
    many-to-many fields after it), or only what the file said, which is no edit."""
    if not sync.changed:
        type(obj).objects.filter(pk=obj.pk).update(loaded_values=obj.loaded_values)
        return
    versioned_save(obj)
    for field, slugs in sync.many.items():
        getattr(obj, field).set([related[field][slug] for slug in slugs])


def commitment_load(
    item: dict[str, Any],
    *,
    declaration: Declaration,
    pillars: dict[str, Pillar],
    organisations: dict[str, Organisation],
    report: LoadReport,
    force: bool = False,
) -> Commitment:
    """Create a commitment from its data-file entry, or bring an existing one up to it."""
    # The fields the file gives, kept in step with it while nobody edits them.
    wanted = {
        "title": item["title"],
        "title_ja": item.get("title_ja", ""),
        "description_ja": item.get("description_ja", ""),
        "description": item.get("description", ""),
        "context": item.get("context", ""),
        "context_ja": item.get("context_ja", ""),
        "source_clause": item["source_clause"],
        "clause_part": item.get("clause_part", ""),
        "paragraph": item["paragraph"],
        "commitment_strength": item["commitment_strength"],
        "inferred_fields": sorted(item.get("inferred", [])),
        "partners": sorted(item.get("partners", [])),
    }
    related = {"partners": organisations}
    label = item["code"]
    try:
        existing = Commitment.objects.filter(code=item["code"]).first()
        if existing is None:
            commitment = Commitment(
                code=item["code"],
                declaration=declaration,
                pillar=pillars[item["pillar"]],
                # Set once; the users' from then on.
                lead_side=item.get("lead_side", LeadSide.JOINT),
                priority=item.get("priority", Priority.MEDIUM),
                **{k: v for k, v in wanted.items() if k != "partners"},
                loaded_values=wanted,
            )
            versioned_save(commitment)
            commitment.partners.set([organisations[slug] for slug in wanted["partners"]])
            commitment.lead_organisations.set(
                [organisations[slug] for slug in item.get("lead_organisations", [])]
            )
            report.count(Commitment._meta.verbose_name_plural, created=True, changed=False)
            return commitment
        commitment = lock_for_write(existing, None)
        sync = file_fields_sync(
            commitment, wanted, label=label, related=related, report=report, force=force
        )
        file_row_save(commitment, related, sync)
        emit(item_changed(commitment, sync.fields, None))
        report.count(Commitment._meta.verbose_name_plural, created=False, changed=sync.changed)
        return commitment
    except ValidationError as exc:
        raise ValidationError([f"{label}: {message}" for message in exc.messages]) from exc


# --- The document the text is taken from (its `source`: a published summary)


def summary_load(
    *, declaration: Declaration, meta: dict[str, Any]
) -> tuple[SourceDocument, bool, bool]:
    """Create or update the document the declaration's text is taken from (the data file's
    `declaration.source`), and name it as the text's source. Return it, whether it was
    created, and whether it changed."""
    lookup = {"declaration": declaration, "kind": meta["kind"], "language": meta["language"]}
    values = {
        "title": meta["title"],
        "title_ja": meta.get("title_ja", ""),
        "publisher": meta["publisher"],
        "publisher_ja": meta.get("publisher_ja", ""),
        "published": summary_date(meta.get("published")),
        "published_note": meta.get("published_note", ""),
        "published_note_ja": meta.get("published_note_ja", ""),
        "url": meta.get("url", "") or "",
    }
    document = SourceDocument.objects.filter(**lookup).first()
    created = document is None
    changed = created or any(getattr(document, k) != v for k, v in values.items())
    if document is None:
        document = SourceDocument(**lookup, **values)
    else:
        for field, value in values.items():
            setattr(document, field, value)
    if changed:
        document.full_clean()
        document.save()
    if declaration.text_source_id != document.pk:
        declaration.text_source = document
        declaration.save(update_fields=["text_source"])
        changed = True
    return document, created, changed


def summary_check(meta: Any) -> list[str]:
    """The problems of the data file's `declaration.source` (none: it may be left out)."""
    if meta is None:
        return []
    if not isinstance(meta, dict):
        return ["declaration source: must be a mapping of title, publisher, language and kind"]
    problems = [
        f"declaration source: missing {key}"
        for key in ("title", "publisher", "language", "kind")
        if not meta.get(key)
    ]
    if meta.get("kind") and meta["kind"] not in SourceKind.values:
        problems.append(f"declaration source: unknown kind {meta['kind']}")
    if meta.get("language") and meta["language"] not in SourceLanguage.values:
        problems.append(f"declaration source: unknown language {meta['language']}")
    return problems


def summary_date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))
