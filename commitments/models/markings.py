"""The release marking every markable row carries, and the one gate every read of it passes.

A markable model derives from `Markable` and says what its marking governs: the whole row
(`marking_governs = None`: a milestone, an action item) or some of its fields (a status
report's note and evidence link, a meeting's outcome, a commitment's added context). Its
queryset's `visible_to(user)` is the gate: rows of a wholly marked kind the reader may not read
are left out, and the governed fields of a partly marked kind are withheld on every instance it
yields (`withheld` says so). The registry of markable kinds is the set of `Markable` models
(`markable_models()`), so no hand-written list can miss one.

Copies of marked text (a trail entry quoting a milestone's title, the audit log's values of an
object) follow their source's current marking: when a source's marking changes, every copy
registered with `copies` is re-marked to it in the same transaction (`Markable.save`).
"""

from collections.abc import Callable

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import Marking


def marking_field(what) -> models.CharField:
    """A row's marking; `what` says what of the row it governs."""
    return models.CharField(
        _("marking"),
        max_length=12,
        choices=Marking.choices,
        default=Marking.BILATERAL,
        help_text=what,
    )


def marking_constraint(table: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(marking__in=Marking.values), name=f"{table}_marking_valid"
    )


def _empty(field: models.Field):
    return {} if isinstance(field, models.JSONField) else ""


def withhold(item, reader) -> None:
    """Blank (in memory) the fields `item`'s marking governs if `reader` may not read them, and
    say so in `item.withheld`."""
    from ..visibility import shows

    item.withheld = not shows(reader, item.marking)
    if item.withheld and item.marking_governs:
        for name in item.marking_governs:
            setattr(item, name, _empty(item._meta.get_field(name)))


class _GatedIterable(models.query.ModelIterable):
    def __iter__(self):
        reader = self.queryset._reader
        for item in super().__iter__():
            withhold(item, reader)
            yield item


class MarkedQuerySet(models.QuerySet):
    """The gate: `visible_to(user)` is how every read of a markable model names its reader."""

    _reader = None
    _gated = False

    def _clone(self):
        clone = super()._clone()
        clone._reader, clone._gated = self._reader, self._gated
        return clone

    def visible_to(self, user):
        """What `user` may read: a wholly marked kind's rows they may not read left out; a partly
        marked kind's governed fields withheld on each instance."""
        from ..visibility import condition

        clone = (
            self.filter(condition(user)) if self.model.marking_governs is None else self._chain()
        )
        clone._reader, clone._gated = user, True
        if clone._iterable_class is models.query.ModelIterable and self.model.marking_governs:
            clone._iterable_class = _GatedIterable
        return clone

    def _fetch_all(self):
        # `values()` and `values_list()` after the gate keep their own iterables: they are asked
        # for columns by name, and a partly marked kind's governed columns are refused there.
        if (
            self._gated
            and self.model.marking_governs
            and self._iterable_class is not _GatedIterable
            and self._result_cache is None
        ):
            asked = set(self._fields or ())
            if not asked or asked & set(self.model.marking_governs):
                raise TypeError(
                    f"{self.model.__name__}: read its marked fields through visible_to() "
                    "as objects, not as values."
                )
        super()._fetch_all()


# What else copies a source's marked text, beside the trail and the audit log: each takes the
# source and re-marks its copies, saying how many changed.
copies: list[Callable] = []


class Markable(models.Model):
    """A row with a release marking. Subclasses declare `marking = marking_field(...)`, their
    queryset derives from `MarkedQuerySet`, and:

    - `marking_governs`: None if the marking governs the whole row, else the governed fields;
    - `marking_kind`: the name the API and the marking-change page give the kind;
    - `marking_pillar`: the attribute path from an item to its pillar's id;
    - `marking_related`: what to select with an item when checking its pillar.
    """

    marking_governs: tuple[str, ...] | None = None
    marking_kind: str = ""
    marking_pillar: str = ""
    marking_related: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        loaded = getattr(self, "_loaded_marking", None)
        super().save(*args, **kwargs)
        if loaded is not None and loaded != self.marking:
            copies_follow(self)
        self._loaded_marking = self.marking

    @classmethod
    def from_db(cls, db, field_names, values):
        item = super().from_db(db, field_names, values)
        item._loaded_marking = item.__dict__.get("marking")
        return item


def copies_follow(source) -> int:
    """Re-mark every copy of `source`'s text with its current marking; how many changed.

    The copies: the audit log's events of the source (its values before and after), and the
    trail's entries the tracker wrote quoting a milestone ("milestone “…” added")."""
    from django.contrib.contenttypes.models import ContentType

    audit_event = apps.get_model("commitments", "AuditEvent")
    status_update = apps.get_model("commitments", "StatusUpdate")
    marking = source.marking
    changed = (
        audit_event.objects.filter(
            content_type=ContentType.objects.get_for_model(type(source)),
            object_id=str(source.pk),
        )
        .exclude(marking=marking)
        .remark(marking)
    )
    if source._meta.label_lower == "commitments.milestone":
        changed += (
            status_update.objects.filter(
                commitment_id=source.commitment_id, source_milestone=source.pk
            )
            .exclude(marking=marking)
            .remark(marking)
        )
    for copies_of in copies:
        changed += copies_of(source)
    return changed


def markable_models() -> list[type[Markable]]:
    """Every markable kind: the registry."""
    return [model for model in apps.get_models() if issubclass(model, Markable)]


def markable_kinds() -> dict[str, type[Markable]]:
    return {model.marking_kind: model for model in markable_models()}


def marked_fields() -> dict[str, tuple[str, ...] | None]:
    """What each markable kind's marking governs, by `app_label.model`: None for the whole
    row, else the fields."""
    return {model._meta.label_lower: model.marking_governs for model in markable_models()}
