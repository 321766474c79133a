"""The audit log: every change to the audited models, who made it, and each field before/after.

Recorded from the model signals, so every path that saves through the ORM is covered — the
services behind the UI and the API, the admin, the commands. Who acted comes from `acting()`
(the services name their actor) or else from the request being served (`AuditMiddleware`;
DRF hands its token-authenticated user to the request too); with neither, the change is the
system's (a scheduled task, a data load). Bulk writes that bypass the ORM's save
(`generate_load_data`'s synthetic rows) are not recorded.
"""

import contextlib
import contextvars
import functools
import re
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import translation

from access.choices import NATIONAL_MARKING, Marking
from access.markings import system_reads

from .models import AuditEvent

# Audited models and the fields whose changes are recorded. Many-to-many fields are recorded
# as lists of names. Versions and timestamps are left out: each event has its own time.
AUDITED: dict[str, tuple[str, ...]] = {
    "commitments.Commitment": (
        "title",
        "description",
        "pillar",
        "lead_side",
        "responsible_india",
        "responsible_japan",
        "status",
        "india_status",
        "japan_status",
        "awaiting_side",
        "priority",
        "start_date",
        "target_date",
        "progress",
        "lead_organisations",
        "context",
        "commitment_strength",
        "inferred_fields",
        "partners",
        "marking",
    ),
    "commitments.SharedTermChange": (
        "commitment",
        "fields",
        "before",
        "proposed_by",
        "proposed_by_side",
        "state",
        "decided_by",
        "note",
    ),
    "commitments.CommitmentContext": ("commitment", "side", "text", "marking"),
    "commitments.Milestone": (
        "commitment",
        "title",
        "due_date",
        "owner",
        "weight",
        "completed_on",
        "marking",
    ),
    "dialogues.DialogueMechanism": (
        "name",
        "description",
        "context",
        "cadence",
        "established",
        "pillar",
        "inferred_fields",
        "lead_organisations",
        "leads",
    ),
    "dialogues.Meeting": ("mechanism", "date", "place", "state", "outcome_summary", "marking"),
    "dialogues.ActionItem": (
        "meeting",
        "title",
        "description",
        "owner",
        "commitment",
        "due_date",
        "state",
        "completed_on",
        "marking",
    ),
    "discussion.Comment": (
        "commitment",
        "milestone",
        "meeting",
        "action_item",
        "parent",
        "body",
        "marking",
        "deleted_at",
    ),
    "discussion.Attachment": (
        "title",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "state",
        "scan_result",
        "marking",
    ),
    "discussion.Reconciliation": (
        "commitment",
        "about_status",
        "about_terms",
        "due_on",
        "due_set_by",
        "closed_at",
        "settled",
    ),
    "commitments.User": (
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "side",
        "organisation",
        "groups",
        "pillars",
        "user_permissions",
    ),
}


def _kind(label: str) -> str:
    """`dialogues.ActionItem` → `action_item`: how the page and the API name a kind of object."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", label.split(".")[1]).lower()


# Each audited kind of object → its content type, as `app_label.model`. Status updates are
# the trail's own record; the log has only the changes of their marking, which the service
# writes (`record`).
KINDS = {_kind(label): label.lower() for label in AUDITED} | {
    "status_update": "commitments.statusupdate"
}


@functools.cache
def value_labels() -> dict[str, dict]:
    """The words for coded values the log records, by field name, from the audited models'
    own choices (a status, a side, a meeting's or an action item's state)."""
    labels: dict[str, dict] = {}
    for label in AUDITED:
        for field in apps.get_model(label)._meta.get_fields():
            if getattr(field, "choices", None):
                labels.setdefault(field.name, {}).update(dict(field.flatchoices))
    return labels


@functools.cache
def field_labels() -> dict[str, Any]:
    """The audited models' field names (lazily translated) by field name, for the names a
    recorded value holds itself (a proposal's terms: `{"target_date": …}`)."""
    labels: dict[str, Any] = {}
    for label in AUDITED:
        for field in apps.get_model(label)._meta.get_fields():
            if hasattr(field, "verbose_name"):
                labels.setdefault(field.name, field.verbose_name)
    return labels


_actor: contextvars.ContextVar = contextvars.ContextVar("audit_actor", default=None)
_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


@contextlib.contextmanager
def acting(actor) -> Iterator[None]:
    """Attribute the changes made inside the block to `actor`."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def acting_as(argument: str):
    """Decorate a service: its changes are attributed to its keyword argument `argument`."""

    def decorate(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            # A service reads everything it needs and checks who may do what itself.
            with acting(kwargs.get(argument)), system_reads(service.__name__):
                return service(*args, **kwargs)

        return wrapper

    return decorate


class AuditMiddleware:
    """Make the request being served known to the audit log (its user and its path)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code < 400:
                _operator_admin_action(request)
            return response
        finally:
            _request.reset(token)


def _who() -> tuple[Any, str]:
    request = _request.get()
    origin = f"{request.method} {request.path}"[:300] if request is not None else ""
    actor = _actor.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if actor is not None and not actor.pk:
        actor = None
    return actor, origin


def _fields(model) -> tuple[list[models.Field], list[models.Field]]:
    names = AUDITED[model._meta.label]
    fields = [model._meta.get_field(name) for name in names]
    return [f for f in fields if not f.many_to_many], [f for f in fields if f.many_to_many]


def _label(field: models.Field, value) -> Any:
    """A JSON-ready value: related rows by their name, everything else as stored."""
    if value is None or not field.is_relation:
        return value
    related = field.related_model._default_manager.filter(pk=value).first()
    return _english(related) if related is not None else f"#{value} (deleted)"


def _english(item) -> str:
    """A row's name as the log records it: in English, whoever acts (the page translates)."""
    with translation.override("en"):
        return str(item)


def _label_now(instance, field: models.Field) -> Any:
    """`_label` of the instance's own current value, from the related row it holds if any."""
    if field.is_relation and getattr(instance, field.attname) is not None:
        return _english(getattr(instance, field.name))
    return getattr(instance, field.attname)


def _values(instance) -> dict[str, Any]:
    plain, _m2m = _fields(type(instance))
    return {field.attname: getattr(instance, field.attname) for field in plain}


def _commitment_code(instance) -> str:
    if instance._meta.label == "commitments.Commitment":
        return instance.code
    if instance._meta.label in (
        "commitments.Milestone",
        "commitments.CommitmentContext",
        "dialogues.ActionItem",
        "commitments.StatusUpdate",
        "commitments.SharedTermChange",
    ):
        return instance.commitment.code if instance.commitment_id else ""
    if instance._meta.label == "discussion.Comment":
        # Listed on its commitment's page: a comment on it, or on one of its milestones.
        if instance.commitment_id:
            return instance.commitment.code
        if instance.milestone_id:
            return instance.milestone.commitment.code
    return ""


def _event_marking(instance) -> str:
    """The object's marking now: who may read the event's values. Its earlier events follow
    every re-marking (`access.markings.copies_follow`). A change to a government's user (their
    roles, pillars, being added or deactivated) is that government's own business: its national
    marking (`selectors.audit_event_list` leaves such events out for the other side)."""
    if instance._meta.label == "commitments.User":
        return NATIONAL_MARKING.get(getattr(instance, "side", ""), Marking.BILATERAL)
    return getattr(instance, "marking", Marking.BILATERAL)


def _record(instance, action: str, changes: dict[str, list]) -> None:
    if not changes and action == AuditEvent.Action.CHANGED:
        return
    actor, origin = _who()
    marking = _event_marking(instance)
    if actor is not None and actor.is_superuser and instance._meta.label == "commitments.User":
        # The operator acts for neither government, so both watch what it does to anyone.
        marking = Marking.BILATERAL
    _event_create(
        instance,
        action,
        changes,
        marking=marking,
        commitment_code=_commitment_code(instance),
        who=(actor, origin),
    )


def _event_create(
    instance, action: str, changes: dict, *, marking: str, commitment_code="", who=None
):
    """Write one event about `instance`, by `who` (actor, origin), else whoever acts now."""
    actor, origin = who or _who()
    # The record is in English whoever acts; the page puts it in its reader's language.
    name = _english(instance)[:300]
    AuditEvent.objects.create(
        actor=actor,
        origin=origin,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=name,
        commitment_code=commitment_code,
        changes=changes,
        marking=marking,
    )


def record(instance, changes: dict[str, list]) -> None:
    """Record a change a service makes outside the model signals (a status update's marking)."""
    _record(instance, AuditEvent.Action.CHANGED, changes)


def _json(value):
    """Values as the JSON column keeps them, so that before and after compare alike."""
    return DjangoJSONEncoder().default(value) if hasattr(value, "isoformat") else value


def _before_save(sender, instance, raw=False, **_kwargs) -> None:
    """Read the row as stored, inside the writing transaction (the services hold its lock)."""
    if raw or instance.pk is None or instance._state.adding:
        instance._audit_before = None
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _values(stored) if stored is not None else None


def _after_save(sender, instance, created, raw=False, **_kwargs) -> None:
    if raw:
        return
    plain, _m2m = _fields(sender)
    before = None if created else getattr(instance, "_audit_before", None)
    changes = {}
    for field in plain:
        new = getattr(instance, field.attname)
        old = before.get(field.attname) if before is not None else None
        if created and new in (None, ""):
            continue
        if created or _json(old) != _json(new):
            changes[field.name] = [_label(field, old), _label_now(instance, field)]
    _record(instance, AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED, changes)


def _after_delete(sender, instance, **_kwargs) -> None:
    plain, _m2m = _fields(sender)
    changes = {
        field.name: [_label_now(instance, field), None]
        for field in plain
        if getattr(instance, field.attname) not in (None, "")
    }
    _record(instance, AuditEvent.Action.DELETED, changes)


def _names(manager) -> list[str]:
    return sorted(_english(item) for item in manager.all())


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **_kwargs) -> None:
    """Record a many-to-many change on the audited side, whichever side made it."""
    owner_model = model if reverse else type(instance)
    field = _m2m_field(owner_model, sender)
    if field is None:
        return
    if action.startswith("pre_"):
        if not reverse:
            owners = [instance]
        elif pk_set is not None:
            owners = list(owner_model._default_manager.filter(pk__in=pk_set))
        else:  # pre_clear from the other side: whoever holds it now
            owners = list(owner_model._default_manager.filter(**{field.name: instance}))
        instance._audit_m2m_before = [(o, _names(getattr(o, field.name))) for o in owners]
        return
    for owner, before in getattr(instance, "_audit_m2m_before", []):
        after = _names(getattr(owner, field.name))
        if before != after:
            _record(owner, AuditEvent.Action.CHANGED, {field.name: [before, after]})
    instance._audit_m2m_before = []


def _m2m_field(model, through) -> models.Field | None:
    if model._meta.label not in AUDITED:
        return None
    _plain, m2m = _fields(model)
    return next((f for f in m2m if f.remote_field.through is through), None)


# --- the operator's actions -----------------------------------------------------------------
#
# The operator changes what the audited models do not cover, in the admin: periodic tasks,
# roles' groups, API keys, second factors, identity-provider settings, axes' lock-outs. Every
# such change made while serving one of its requests is recorded too, marked bilateral, so
# that both governments' administrators see it (`selectors.audit_event_list`). Only the
# fields below are left out: what they hold is a secret or a copy of something else.

QUIET_MODELS = {
    "admin.LogEntry",
    "audit.AuditEvent",
    "sessions.Session",
    "usersessions.UserSession",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "django_celery_beat.PeriodicTasks",  # beat's own change counter
}
SECRET_PARTS = ("secret", "password", "key", "token", "hash", "data", "code")


def _operator() -> Any:
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated and user.is_superuser:
        return user
    return None


def _plain_values(instance) -> dict[str, Any]:
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or any(part in field.name.lower() for part in SECRET_PARTS):
            continue
        value = getattr(instance, field.attname)
        values[field.name] = _json(value) if value is not None else None
    return values


def _operator_before(sender, instance, raw=False, **_kwargs) -> None:
    if raw or sender._meta.label in AUDITED or sender._meta.label in QUIET_MODELS:
        return
    if instance.pk is None or instance._state.adding or _operator() is None:
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    instance._operator_before = _plain_values(stored) if stored is not None else None


def _operator_changed(sender, instance, created=False, raw=False, deleted=False, **_kw) -> None:
    if raw or sender._meta.label in AUDITED or sender._meta.label in QUIET_MODELS:
        return
    if _operator() is None:
        return
    now = _plain_values(instance)
    if deleted:
        action, changes = AuditEvent.Action.DELETED, {k: [v, None] for k, v in now.items()}
    elif created:
        action, changes = AuditEvent.Action.CREATED, {k: [None, v] for k, v in now.items()}
    else:
        before = getattr(instance, "_operator_before", None) or {}
        action = AuditEvent.Action.CHANGED
        changes = {k: [before.get(k), v] for k, v in now.items() if before.get(k) != v}
        if not changes:
            return
    _event_create(instance, action, changes, marking=Marking.BILATERAL)


def _operator_deleted(sender, instance, **kwargs) -> None:
    _operator_changed(sender, instance, deleted=True)


def _operator_admin_action(request) -> None:
    """Record an admin action the operator applied to selected objects (enable or disable
    periodic tasks, revoke keys, reset second factors…): many write with a bulk `update()`,
    which sends no signal. Deletions are recorded from their signals."""
    from django.urls import Resolver404, resolve

    if request.method != "POST" or _operator() is None:
        return
    action = request.POST.get("action", "")
    selected = request.POST.getlist("_selected_action")
    if not action or not selected or action == "delete_selected":
        return
    try:
        model_admin = getattr(resolve(request.path_info).func, "model_admin", None)
    except Resolver404:
        return
    if model_admin is None:
        return
    for obj in model_admin.get_queryset(request).filter(pk__in=selected):
        _event_create(
            obj,
            AuditEvent.Action.CHANGED,
            {"admin action": [None, action]},
            marking=Marking.BILATERAL,
        )


def connect() -> None:
    """Connect the audit log to the audited models' signals (from the app's ready())."""
    pre_save.connect(_operator_before, weak=False, dispatch_uid="audit_operator_before")
    post_save.connect(_operator_changed, weak=False, dispatch_uid="audit_operator_changed")
    post_delete.connect(_operator_deleted, weak=False, dispatch_uid="audit_operator_deleted")
    for label in AUDITED:
        model = apps.get_model(label)
        pre_save.connect(_before_save, sender=model, weak=False)
        post_save.connect(_after_save, sender=model, weak=False)
        post_delete.connect(_after_delete, sender=model, weak=False)
        for field in _fields(model)[1]:
            m2m_changed.connect(_m2m_changed, sender=field.remote_field.through, weak=False)
