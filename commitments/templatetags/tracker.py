import re

from django import template

from access.choices import MARKING_HELP, Marking, Side, counterpart
from audit.recording import value_labels
from declaration_tracker.core.i18n import is_translation, localized

from ..choices import MilestoneState, Status

register = template.Library()


@register.filter
def loc(obj, field: str) -> str:
    """A row's text in the reader's language: its unofficial Japanese, else its English."""
    return localized(obj, field)


@register.filter
def translated(obj, field: str) -> bool:
    """Whether `loc` gives the tracker's unofficial translation (to label it so)."""
    return is_translation(obj, field)


STATUS_LABELS = dict(Status.choices)
MILESTONE_STATE_LABELS = dict(MilestoneState.choices)


@register.filter
def status_label(value: str) -> str:
    """The words for a status code: at_risk → At risk."""
    return STATUS_LABELS.get(value, value)


@register.filter
def side_label(value: str) -> str:
    """The words for a side: japan → Japan."""
    return SIDE_LABELS.get(value, value)


@register.filter
def other_side_label(value: str) -> str:
    """The other government's name: india → Japan."""
    return SIDE_LABELS[counterpart(value)] if value in SIDE_LABELS else ""


SIDE_LABELS = dict(Side.choices)


@register.filter
def milestone_state_label(value: str) -> str:
    """The words for a milestone state: due_soon → Due soon."""
    return MILESTONE_STATE_LABELS.get(value, value)


@register.filter
def audit_value(value, field: str = "") -> str:
    """A recorded value in words: codes as labels, lists joined, nothing as a dash, yes/no."""
    from django.utils.translation import gettext

    if value is None or value == "" or value == []:
        return "—"
    if value == "restricted":
        return gettext("restricted")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        from audit.recording import field_labels

        names = field_labels()
        return "; ".join(
            f"{names.get(key, key)}: {audit_value(item, key)}" for key, item in value.items()
        )
    if isinstance(value, str) and _ISO_DAY.match(value):
        # A recorded date or instant, in the reader's format (and zone).
        import datetime

        from django.utils.dateparse import parse_datetime
        from django.utils.formats import date_format

        from declaration_tracker.core.timezones import time_with_zone

        if len(value) == 10:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        instant = parse_datetime(value)
        if instant is not None:
            return time_with_zone(instant)
    return str(value_labels().get(field, {}).get(value, value))


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


@register.filter
def as_of_label(at) -> str:
    """An `as_of` instant in words: the day for the end of a day (UTC), else day and time."""
    import datetime

    from django.utils.formats import date_format

    from declaration_tracker.core.timezones import time_with_zone

    if at.astimezone(datetime.UTC).time() == datetime.time.max:
        return date_format(at.astimezone(datetime.UTC), "DATE_FORMAT")
    # The instant both sides name by the same words (the API's `as_of`): in UTC, said so.
    return time_with_zone(at, zone=datetime.UTC)


@register.inclusion_tag("includes/marking.html")
def marking(value: str):
    """The release marking beside an item, in words, with what it means on hover."""
    return {"value": value, "label": Marking(value).label, "help": MARKING_HELP[value]}


@register.inclusion_tag("includes/owning_side.html")
def owning_side(item):
    """The government an item belongs to, beside it: the side that alone may change it."""
    side = getattr(item, "side", "") or ""
    if side not in Side.values:
        return {"side": ""}
    return {"side": side, "label": Side(side).label}


@register.inclusion_tag("includes/marking_control.html", takes_context=True)
def marking_control(context, kind: str, item, pillar_id: int):
    """The item's marking, and a small form to change it for those who may."""
    from access import permissions, visibility

    request = context["request"]
    user = request.user
    # A page showing the past offers no edits.
    offered = (
        []
        if context.get("as_of")
        else visibility.markings_changeable(
            user,
            item.marking,
            may_edit=permissions.can_edit_pillar(user, pillar_id),
            origin=visibility.item_side(item),
        )
    )
    return {
        "kind": kind,
        "item": item,
        "value": item.marking,
        "label": Marking(item.marking).label,
        "help": MARKING_HELP[item.marking],
        "offered": offered,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def trail_note(status_update) -> str:
    """A status update's note in the reader's language where the tracker wrote it."""
    from ..trail_messages import rendered

    return rendered(status_update)


@register.filter
def reminder_detail(reminder) -> str:
    """A reminder's detail in the reader's language."""
    from notifications.messages import detail_rendered

    return detail_rendered(reminder)


@register.filter
def content_type_name(content_type) -> str:
    """A kind of object in the reader's language: the model's own verbose name."""
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else content_type.name


@register.filter
def audit_field_label(event, field: str) -> str:
    """A changed field's name in the reader's language: the model field's verbose name."""
    model = event.content_type.model_class()
    try:
        return str(model._meta.get_field(field).verbose_name)
    except Exception:
        return field.replace("_", " ")


@register.simple_tag
def english_content(obj=None, field: str = ""):
    """` lang="en"` for English content shown in a page of another language (the declaration's
    words, the tracker's context, a text with no translation), so readers and assistive
    technology know its language."""
    from django.utils.html import mark_safe
    from django.utils.translation import get_language

    if (get_language() or "en").startswith("en"):
        return ""
    if obj is not None and field and is_translation(obj, field):
        return ""
    return mark_safe(' lang="en"')


@register.filter
def audit_coded(field: str) -> bool:
    """Whether the audit log shows a field's values in the reader's words (coded values:
    choices, yes/no); the others are recorded text, shown as recorded."""
    return (
        field in value_labels()
        or field in ("established", "inferred", "is_active", "date")
        or field.endswith(("_date", "_on", "_at", "_since"))
    )


@register.filter
def publisher_name(document) -> str:
    """A source document's publisher in the reader's language: its Japanese name if it has one
    and the reader reads Japanese, else its own name, marked as English where the page is not
    (a publisher's name, e.g. a newspaper's, stays as it is published)."""
    from django.utils.html import format_html
    from django.utils.translation import get_language

    if is_translation(document, "publisher") or (get_language() or "en").startswith("en"):
        return localized(document, "publisher")
    return format_html('<span lang="en">{}</span>', document.publisher)
