"""The audit log as its reader reads it: the record stays as written (in English), and what the
page shows of it is put in the reader's language when the page is made."""

import re
from collections import defaultdict

from declaration_tracker.core.i18n import in_japanese


def audit_events_named(events) -> None:
    """Give each event `object_name`, its object's name in the reader's language, and
    `name_translated`, whether that differs from the record's (English) words.

    A Japanese reader reads the object's name as the object gives it now in Japanese (a
    commitment's Japanese title, a pillar's or a mechanism's Japanese name); an object since
    deleted, or one the reader may not read (the gate filters the look-up), keeps the recorded
    name. One query per kind of object on the page.
    """
    events = list(events)
    for event in events:
        event.object_name, event.name_translated = event.object_repr, False
        # Fields whose values the page shows in the reader's language, not as recorded.
        event.translated_fields = {f for f, v in event.changes.items() if _holds_terms(v)}
    if not in_japanese():
        return
    wanted: dict = defaultdict(set)
    for event in events:
        if not getattr(event, "restricted", False) and event.object_id:
            wanted[event.content_type].add(event.object_id)
    names: dict = {}
    for content_type, ids in wanted.items():
        model = content_type.model_class()
        if model is None:
            continue
        pks = [pk for pk in ids if pk.isdigit()] if _integer_key(model) else list(ids)
        for obj in model._default_manager.filter(pk__in=pks).select_related():
            names[(content_type.pk, str(obj.pk))] = str(obj)
    for event in events:
        name = names.get((event.content_type_id, event.object_id))
        if name and not getattr(event, "restricted", False):
            event.object_name, event.name_translated = name, name != event.object_repr
    _coded_names_translated(events)
    _named_rows_translated(events)


def _named_rows_translated(events) -> None:
    """A recorded value naming a row that has a Japanese name (a pillar, an organisation, a
    dialogue mechanism: "Maritime security", a list of lead organisations) in the reader's
    language: the log records the row's English name; each name still borne by a row is shown
    as that row's name now (one query per kind of row named on the page, through its manager)."""
    from django.utils import translation

    wanted: dict = defaultdict(set)
    for event in events:
        model = event.content_type.model_class()
        for field, values in event.changes.items():
            related = _named_model(model, field)
            if related is not None:
                wanted[related].update(_names_in(values))
    names: dict = {}
    for related, recorded in wanted.items():
        for row in related._default_manager.all():
            with translation.override("en"):
                english = str(row)
            if english in recorded:
                names[(related, english)] = str(row)
    for event in events:
        model = event.content_type.model_class()
        for field, values in list(event.changes.items()):
            related = _named_model(model, field)
            if related is None:
                continue
            renamed = [_renamed(value, related, names) for value in values]
            if renamed != list(values):
                event.changes[field] = renamed
                event.translated_fields.add(field)


def _names_in(values) -> set[str]:
    found = set()
    for value in values:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            found.update(item for item in value if isinstance(item, str))
    return found


def _renamed(value, related, names: dict):
    if isinstance(value, str):
        return names.get((related, value), value)
    if isinstance(value, list):
        return [
            names.get((related, item), item) if isinstance(item, str) else item for item in value
        ]
    return value


def _named_model(model, field: str):
    """The model a relation field points to, if its rows have Japanese names; else None."""
    return _related_having(model, field, "name_ja")


CODED_NAME = re.compile(r"^([A-Z]{3}-\d{2,3})\b")


def _coded_names_translated(events) -> None:
    """A recorded value naming a coded row ("MAR-05 Intend to…", a proposal's commitment) in
    the reader's language: looked up by its code, through the gate (in memory only)."""
    found: dict = defaultdict(set)
    for event in events:
        model = event.content_type.model_class()
        for field, values in event.changes.items():
            related = _related_model(model, field)
            if related is None:
                continue
            for value in values:
                match = CODED_NAME.match(value) if isinstance(value, str) else None
                if match:
                    found[related].add(match.group(1))
    names = {}
    for related, codes in found.items():
        for row in related._default_manager.filter(code__in=codes):
            names[(related, row.code)] = str(row)
    for event in events:
        model = event.content_type.model_class()
        for field, values in list(event.changes.items()):
            related = _related_model(model, field)
            if related is None:
                continue
            renamed = []
            for value in values:
                match = CODED_NAME.match(value) if isinstance(value, str) else None
                renamed.append(names.get((related, match.group(1)), value) if match else value)
            if renamed != list(values):
                event.changes[field] = renamed
                event.translated_fields.add(field)


def _related_model(model, field: str):
    """The model a relation field points to, if it has codes (a commitment); else None."""
    return _related_having(model, field, "code")


def _related_having(model, field: str, name: str):
    """The model `field` of `model` points to, if it has a field `name`; else None."""
    try:
        related = model._meta.get_field(field).related_model if model else None
    except Exception:
        return None
    if related is None or not any(f.name == name for f in related._meta.fields):
        return None
    return related


def _integer_key(model) -> bool:
    return model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField")


def _holds_terms(values) -> bool:
    """Whether a recorded value is a set of terms (a proposal's), shown in the reader's words."""
    return any(isinstance(value, dict) for value in values)
