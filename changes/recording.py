"""Writing the change log: one entry for each object whose representation a write changed.

Recorded from the model signals in the writer's transaction, like the audit log: every path
that saves through the ORM (the services, the admin, the data loads, the commands) is covered,
and a re-marking of copies (`AppendOnlyQuerySet.remark`) says so with its own signal. An entry
names its object (the feed's type and key) and the markings that decide who may learn of it;
an object embedded in another's representation (a status update's note in its commitment's
`sides`, a milestone in its commitment's internal progress, a meeting's date in its mechanism's
`last_held`) writes an entry for that other object too, under the same markings.
"""

from django.apps import apps
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)

from declaration_tracker.core.models import remarked

from .models import ChangeEntry

# The served models by label: the feed's type name and how an object's key is read.
TYPES = {
    "commitments.declaration": "declaration",
    "commitments.pillar": "pillar",
    "commitments.organisation": "organisation",
    "dialogues.dialoguemechanism": "dialogue",
    "commitments.commitment": "commitment",
    "commitments.commitmentcontext": "context",
    "commitments.statusupdate": "status_update",
    "commitments.milestone": "milestone",
    "dialogues.meeting": "meeting",
    "dialogues.actionitem": "action_item",
    "discussion.comment": "comment",
    "discussion.attachment": "attachment",
    "discussion.reconciliation": "reconciliation",
}
# Models with no type of their own whose rows are part of another's representation.
EMBEDDED = (
    "commitments.sharedtermchange",
    "commitments.user",
    "commitments.sourcedocument",
    "commitments.officialclause",
)
# What of a user, an organisation or a pillar other objects show (their brief representation):
# a change of these, and only these, changes the objects showing them.
SHOWN = {
    "commitments.user": ("username", "first_name", "last_name", "side"),
    "commitments.organisation": ("slug", "name", "name_ja", "acronym", "side", "kind"),
    "commitments.pillar": ("slug", "name", "name_ja"),
}
# Who shows them: (type, model label, key field, filter by the shown object's pk).
SHOWN_IN = {
    "commitments.user": [
        ("commitment", "commitments.Commitment", "code", "responsible_india"),
        ("commitment", "commitments.Commitment", "code", "responsible_japan"),
        ("dialogue", "dialogues.DialogueMechanism", "slug", "leads"),
        ("milestone", "commitments.Milestone", "pk", "owner"),
        ("action_item", "dialogues.ActionItem", "pk", "owner"),
        ("status_update", "commitments.StatusUpdate", "pk", "author"),
        ("context", "commitments.CommitmentContext", None, "updated_by"),
        ("comment", "discussion.Comment", "pk", "created_by"),
        ("attachment", "discussion.Attachment", "pk", "created_by"),
        ("reconciliation", "discussion.Reconciliation", "pk", "due_set_by"),
    ],
    "commitments.organisation": [
        ("commitment", "commitments.Commitment", "code", "lead_organisations"),
        ("commitment", "commitments.Commitment", "code", "partners"),
        ("dialogue", "dialogues.DialogueMechanism", "slug", "lead_organisations"),
    ],
    "commitments.pillar": [
        ("commitment", "commitments.Commitment", "code", "pillar"),
        ("dialogue", "dialogues.DialogueMechanism", "slug", "pillar"),
    ],
}
# Many-to-many fields whose changes change their owner's representation.
M2M = {
    "commitments.commitment": ("lead_organisations", "partners"),
    "dialogues.dialoguemechanism": ("lead_organisations", "leads"),
}


def key_of(instance) -> str:
    label = instance._meta.label_lower
    cached = getattr(instance, "_change_key", None)
    if cached is not None:
        return cached
    if label == "commitments.commitment":
        return instance.code
    if label in ("commitments.pillar", "commitments.organisation", "dialogues.dialoguemechanism"):
        return instance.slug
    if label == "commitments.commitmentcontext":
        code = _related_value(instance, "commitment", "commitments.Commitment", "code")
        return f"{code}/{instance.side}"
    return str(instance.pk)


def _related_value(instance, relation: str, label: str, field: str) -> str:
    """`field` of the row `relation` points to: from the related object if it was read with
    `instance`, else in one query."""
    cached = instance._state.fields_cache.get(relation)
    if cached is not None:
        return getattr(cached, field)
    pk = getattr(instance, f"{relation}_id")
    model = apps.get_model(label)
    return model._base_manager.filter(pk=pk).values_list(field, flat=True).first() or ""


def _showing(instance) -> list[tuple[str, str]]:
    """The objects showing a user, organisation or pillar whose shown fields just changed."""
    label = instance._meta.label_lower
    stored = getattr(instance, "_change_shown_before", None)
    if label not in SHOWN or stored is None:
        return []
    if all(stored[name] == getattr(instance, name) for name in SHOWN[label]):
        return []
    found = []
    for kind, model_label, key_field, relation in SHOWN_IN[label]:
        rows = apps.get_model(model_label)._base_manager.filter(**{relation: instance.pk})
        if key_field is None:  # a context: `<code>/<side>`
            found += [
                (kind, f"{code}/{side}")
                for code, side in rows.values_list("commitment__code", "side")
            ]
        else:
            found += [(kind, str(key)) for key in rows.values_list(key_field, flat=True)]
    return found


def _embedding(instance, created: bool) -> list[tuple[str, str]]:
    """The other objects whose representation shows this one: (type, key)."""
    label = instance._meta.label_lower
    if label in SHOWN:
        return [] if created else _showing(instance)
    if label in (
        "commitments.commitmentcontext",
        "commitments.statusupdate",
        "commitments.milestone",
        "commitments.sharedtermchange",
    ):
        code = _related_value(instance, "commitment", "commitments.Commitment", "code")
        return [("commitment", code)]
    if label == "commitments.sourcedocument":
        # The declaration lists its documents, and every commitment names its source (the
        # summary) and the official texts' clauses: an administrator's load changes them all.
        codes = apps.get_model("commitments", "Commitment")._base_manager.filter(
            declaration_id=instance.declaration_id
        )
        return [
            ("declaration", str(instance.declaration_id)),
            *[("commitment", code) for code in codes.values_list("code", flat=True)],
        ]
    if label == "commitments.officialclause":
        code = _related_value(instance, "commitment", "commitments.Commitment", "code")
        return [("commitment", code)]
    if label == "dialogues.meeting":
        slug = _related_value(instance, "mechanism", "dialogues.DialogueMechanism", "slug")
        return [("dialogue", slug)]
    if label == "commitments.commitment":
        # A pillar counts its commitments (the audit log's pre_save read the pillar before).
        stored = getattr(instance, "_audit_before", None) or {}
        pillars = {instance.pillar_id, stored.get("pillar_id")}
        pillar = apps.get_model("commitments", "Pillar")
        if created or len(pillars - {None}) > 1 or getattr(instance, "_change_deleted", False):
            slugs = pillar._base_manager.filter(pk__in=pillars - {None}).values_list(
                "slug", flat=True
            )
            return [("pillar", slug) for slug in slugs]
    return []


def _log(rows, *, before: str, after: str, governed: bool) -> None:
    """One entry for each (type, key) of `rows`, once each."""
    ChangeEntry.objects.bulk_create(
        ChangeEntry(
            type=kind,
            key=key,
            marking_before=before or "",
            marking_after=after or "",
            governed=governed,
        )
        for kind, key in dict.fromkeys(row for row in rows if row[1])
    )


def _write(instance, *, before: str, after: str, governed: bool, created: bool = False) -> None:
    """Log a save: the object's own entry, and one for each object showing it.

    A change to a wholly marked object, or to the marking alone, reaches only readers of its
    marking; the objects showing it are changed for the same readers alone."""
    label = instance._meta.label_lower
    own = [(TYPES[label], key_of(instance))] if label in TYPES else []
    _log([*own, *_embedding(instance, created)], before=before, after=after, governed=governed)


def _before_save(sender, instance, raw=False, update_fields=None, **_kwargs) -> None:
    """Read what others show of a user, organisation or pillar, as stored (not for a save of
    other fields alone: a log-in's `last_login`)."""
    instance._change_shown_before = None
    shown = SHOWN.get(sender._meta.label_lower)
    if raw or shown is None or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(shown):
        return
    stored = sender._base_manager.filter(pk=instance.pk).values(*shown).first()
    instance._change_shown_before = stored


def _wholly_marked(instance) -> bool:
    return hasattr(instance, "marking") and getattr(instance, "marking_governs", ()) is None


def _after_save(sender, instance, created, raw=False, update_fields=None, **_kwargs) -> None:
    if raw:
        return
    marking = getattr(instance, "marking", "")
    before = "" if created else getattr(instance, "_loaded_marking", None) or marking
    remarking_only = not created and update_fields is not None and set(update_fields) <= {"marking"}
    governed = _wholly_marked(instance) or (bool(marking) and remarking_only)
    _write(instance, before=before, after=marking, governed=governed, created=created)


def _before_delete(sender, instance, **_kwargs) -> None:
    # Read the key while the rows it is read from still exist (a cascade deletes them).
    instance._change_key = key_of(instance) if sender._meta.label_lower in TYPES else None
    instance._change_deleted = True
    instance._change_embedding = _embedding(instance, created=False)


def _after_delete(sender, instance, **_kwargs) -> None:
    """Log a deletion: the object gone (its marking after, none), the objects that showed it
    changed under the same marking."""
    marking = getattr(instance, "marking", "")
    governed = _wholly_marked(instance)
    label = sender._meta.label_lower
    if label in TYPES:
        _log([(TYPES[label], instance._change_key)], before=marking, after="", governed=governed)
    shown = getattr(instance, "_change_embedding", [])
    _log(shown, before=marking, after=marking, governed=governed)


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **_kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        if action == "pre_clear":
            return
        owners = [instance]
    elif action == "pre_clear":
        # Cleared from the other side: whoever holds it now, before it is gone.
        owners = []
        for label, names in M2M.items():
            owner = apps.get_model(label)
            for name in names:
                if owner._meta.get_field(name).remote_field.through is sender:
                    owners += list(owner._base_manager.filter(**{name: instance}))
        instance._change_m2m_owners = owners
        return
    elif action == "post_clear":
        owners = getattr(instance, "_change_m2m_owners", [])
    else:
        owners = list(model._base_manager.filter(pk__in=pk_set or ()))
    for owner in owners:
        _write(owner, before="", after="", governed=False)


def _remarked(sender, rows, marking, **_kwargs) -> None:
    """Copies re-marked with their source (`copies_follow`): each a change of its marking."""
    if sender._meta.label_lower not in TYPES:
        return
    before = dict(rows)
    for instance in sender._base_manager.filter(pk__in=before):
        _write(instance, before=before[instance.pk], after=marking, governed=True)


def connect() -> None:
    """Connect the log to the served models' signals (from the app's ready())."""
    for label in (*TYPES, *EMBEDDED):
        model = apps.get_model(label)
        post_save.connect(_after_save, sender=model, weak=False)
        if label in SHOWN:
            pre_save.connect(_before_save, sender=model, weak=False)
        pre_delete.connect(_before_delete, sender=model, weak=False)
        post_delete.connect(_after_delete, sender=model, weak=False)
        remarked.connect(_remarked, sender=model, weak=False)
    for label, names in M2M.items():
        model = apps.get_model(label)
        for name in names:
            m2m_changed.connect(
                _m2m_changed, sender=model._meta.get_field(name).remote_field.through, weak=False
            )
