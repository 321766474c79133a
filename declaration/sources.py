"""Loading an official text of the declaration and its commitments' clauses in it.

The data file's text is a published summary of the declaration (an unofficial summary, its
`source` section says whose); the declaration's official texts are published by India's
Ministry of External Affairs and Japan's Ministry of Foreign Affairs, and an administrator
supplies one with `load_declaration --source FILE`: its metadata and each commitment's clause
in it. A source file is checked whole before anything is written, and loading it again
updates in place.
"""

import dataclasses
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from commitments.choices import SourceKind, SourceLanguage
from commitments.loading import summary_date
from commitments.models import Commitment, Declaration, OfficialClause, SourceDocument

LINE = "__line__"
DOCUMENT_KEYS = ("title", "publisher", "published", "language", "kind")
OPTIONAL_DOCUMENT_KEYS = ("title_ja", "publisher_ja", "url")
CLAUSE_KEYS = ("code", "paragraph", "text")


class _LineLoader(yaml.SafeLoader):
    """A safe loader that notes the line each mapping starts on (as `__line__`)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


@dataclasses.dataclass
class SourceReport:
    document: SourceDocument
    created: bool
    clauses_created: int = 0
    clauses_updated: int = 0
    clauses_removed: int = 0

    def __str__(self) -> str:
        return (
            f"{'created' if self.created else 'updated in place'} {self.document}; clauses: "
            f"{self.clauses_created} created, {self.clauses_updated} updated, "
            f"{self.clauses_removed} removed"
        )


def source_file_read(path: Path) -> dict[str, Any]:
    """Read an official text's source file; a file that is not YAML is refused with its line."""
    try:
        with Path(path).open(encoding="utf-8") as handle:
            # _LineLoader is a yaml.SafeLoader: no object is made but plain data.
            data = yaml.load(handle, Loader=_LineLoader)  # noqa: S506  # nosec B506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or exc
        raise ValidationError([f"{path} is not valid YAML{where}: {problem}"]) from exc
    if not isinstance(data, dict):
        raise ValidationError([f"{path} holds no source document (a `document` and `clauses`)."])
    return data


def source_data_check(data: dict[str, Any], codes: set[str]) -> list[str]:
    """The problems of a source file, each naming its line and entry (and commitment code)."""
    problems: list[str] = []
    document = data.get("document")
    if not isinstance(document, dict):
        problems.append("document: missing (title, publisher, published, language, kind, url)")
    else:
        at = f"line {document[LINE]}, document"
        for key in DOCUMENT_KEYS:
            if document.get(key) in (None, ""):
                problems.append(f"{at}: missing {key}")
        unknown = set(document) - {LINE, *DOCUMENT_KEYS, *OPTIONAL_DOCUMENT_KEYS}
        if unknown:
            problems.append(f"{at}: unknown key(s) {', '.join(sorted(unknown))}")
        if document.get("kind") and document["kind"] not in SourceKind.values:
            problems.append(
                f"{at}: kind {document['kind']} is not one of {', '.join(SourceKind.values)}"
            )
        elif document.get("kind") == SourceKind.UNOFFICIAL_SUMMARY:
            problems.append(f"{at}: kind must be an official text or official translation")
        if document.get("language") and document["language"] not in SourceLanguage.values:
            problems.append(f"{at}: language {document['language']} is not en or ja")
        if document.get("published") not in (None, ""):
            try:
                summary_date(document["published"])
            except ValueError:
                problems.append(f"{at}: published must be a date, YYYY-MM-DD")
        if document.get("url"):
            try:
                URLValidator(schemes=["https", "http"])(str(document["url"]))
            except ValidationError:
                problems.append(f"{at}: url is not a web address")
    clauses = data.get("clauses")
    if not isinstance(clauses, list) or not clauses:
        problems.append("clauses: missing or empty (a list of code, paragraph, text)")
        return problems
    seen: dict[str, int] = {}
    for index, entry in enumerate(clauses, start=1):
        if not isinstance(entry, dict):
            problems.append(f"clauses entry {index}: must be a mapping of code, paragraph, text")
            continue
        code = entry.get("code")
        at = f"line {entry[LINE]}, clauses entry {index}" + (f" ({code})" if code else "")
        missing = [key for key in CLAUSE_KEYS if entry.get(key) in (None, "")]
        if missing:
            problems.append(f"{at}: missing {', '.join(missing)}")
        unknown = set(entry) - {LINE, *CLAUSE_KEYS}
        if unknown:
            problems.append(f"{at}: unknown key(s) {', '.join(sorted(unknown))}")
        if code in (None, ""):
            continue
        if not isinstance(code, str) or code not in codes:
            problems.append(f"{at}: unknown commitment code {code}")
        elif code in seen:
            problems.append(f"{at}: {code} already has a clause at line {seen[code]}")
        else:
            seen[code] = entry[LINE]
        if entry.get("text") not in (None, "") and not isinstance(entry["text"], str):
            problems.append(f"{at}: text must be text, quoted from the document")
        if len(str(entry.get("paragraph", ""))) > 20:
            problems.append(f"{at}: paragraph must be at most 20 characters")
    return problems


@transaction.atomic
def official_source_load(*, data: dict[str, Any]) -> SourceReport:
    """Add or update an official text of the declaration and its commitments' clauses in it,
    from a source file read by `source_file_read`. All or nothing: a problem anywhere raises a
    ValidationError naming each, and nothing is written."""
    declaration = Declaration.objects.order_by("-date", "-id").first()
    if declaration is None:
        raise ValidationError(["No declaration is loaded yet: run load_declaration first."])
    codes = set(Commitment.objects.filter(declaration=declaration).values_list("code", flat=True))
    problems = source_data_check(data, codes)
    if problems:
        raise ValidationError(problems)
    meta = data["document"]
    lookup = {"declaration": declaration, "kind": meta["kind"], "language": meta["language"]}
    values = {
        "title": str(meta["title"]),
        "title_ja": str(meta.get("title_ja") or ""),
        "publisher": str(meta["publisher"]),
        "publisher_ja": str(meta.get("publisher_ja") or ""),
        "published": summary_date(meta["published"]),
        "published_note": "",
        "published_note_ja": "",
        "url": str(meta.get("url") or ""),
    }
    document = SourceDocument.objects.filter(**lookup).first()
    created = document is None
    if created:
        document = SourceDocument(**lookup)
    for field, value in values.items():
        setattr(document, field, value)
    try:
        document.full_clean()
    except ValidationError as exc:
        at = f"line {meta[LINE]}, document"
        raise ValidationError([f"{at}: {m}" for m in exc.messages]) from exc
    document.save()
    report = SourceReport(document=document, created=created)
    by_code = {
        c.code: c for c in Commitment.objects.filter(declaration=declaration).only("id", "code")
    }
    existing = {clause.commitment_id: clause for clause in document.clauses.all()}
    kept: set[int] = set()
    for entry in data["clauses"]:
        commitment = by_code[entry["code"]]
        wanted = {"paragraph": str(entry["paragraph"]), "text": entry["text"].strip()}
        clause = existing.get(commitment.pk)
        if clause is None:
            OfficialClause.objects.create(commitment=commitment, document=document, **wanted)
            report.clauses_created += 1
        elif any(getattr(clause, k) != v for k, v in wanted.items()):
            for field, value in wanted.items():
                setattr(clause, field, value)
            clause.save()
            report.clauses_updated += 1
        kept.add(commitment.pk)
    gone = [clause.pk for owner, clause in existing.items() if owner not in kept]
    if gone:
        OfficialClause.objects.filter(pk__in=gone).delete()
    report.clauses_removed = len(gone)
    return report
