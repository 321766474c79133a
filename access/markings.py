"""The release marking every markable row carries, and the one gate every read of it passes.

A markable model derives from `Markable` and says what its marking governs: the whole row
(`marking_governs = None`: a milestone, an action item) or some of its fields (a status
update's note and evidence link, a meeting's outcome, a commitment's added context). Its
queryset's `visible_to(user)` is the gate: rows of a wholly marked kind the reader may not read
are left out, and the governed fields of a partly marked kind are withheld on every instance it
yields (`withheld` says so). The registry of markable kinds is the set of `Markable` models
(`markable_models()`), so no hand-written list can miss one.

The gate holds by construction. While a request is served (`GateMiddleware`), or a task acts
for a reader (`reading_as`: a report, a webhook body, a digest), every read of a markable
model that names no reader passes the gate for that reader all the same: its rows are left
out or its fields withheld, however the read was written — a list, a count, a related manager,
a prefetch. And every instance of a markable model loaded then, by any path (a foreign key, a
`select_related`), is withheld as it is built (`Markable.from_db`). Only a named system context
reads everything (`system_reads`): the services, which check who may do what themselves, and
what runs for nobody (a sweep, a load). An instance with withheld fields refuses to be saved,
so a blanked copy can never overwrite the stored text.

Copies of marked text (a status update quoting a milestone's title, the audit log's values of an
object) follow their source's current marking: when a source's marking changes, every copy
is re-marked to it in the same transaction (`Markable.save`, `copies_follow`).
"""

import contextlib
import contextvars
from collections.abc import Iterator

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Marking


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


# The gate's context: ("reader", a user or a request whose user is read when a query runs), or
# ("system", why); none outside any (a worker's task, a command, the shell): the system.
_gate: contextvars.ContextVar = contextvars.ContextVar("marking_gate", default=None)
_SYSTEM = object()


@contextlib.contextmanager
def reading_as(reader) -> Iterator[None]:
    """Read markable data inside the block as `reader` sees it (a user, or a request)."""
    token = _gate.set(("reader", reader))
    try:
        yield
    finally:
        _gate.reset(token)


@contextlib.contextmanager
def system_reads(reason: str) -> Iterator[None]:
    """Read everything inside the block, for `reason` (a service that checks its own rules)."""
    token = _gate.set(("system", reason))
    try:
        yield
    finally:
        _gate.reset(token)


def gate_reader():
    """The reader every read is gated for now, `_SYSTEM` when none is."""
    current = _gate.get()
    if current is None or current[0] == "system":
        return _SYSTEM
    who = current[1]
    if hasattr(who, "META"):  # a request: its user as authenticated by now (DRF sets it late)
        return getattr(who, "user", None)
    return who


class GateMiddleware:
    """Gate every read made while serving a request for the request's user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with reading_as(request):
            response = self.get_response(request)
        if getattr(response, "streaming", False):
            # A streamed body (an export) is read after the view returns: gate it too.
            response.streaming_content = _gated_stream(request, response.streaming_content)
        return response


def _gated_stream(request, content):
    with reading_as(request):
        yield from content


def _empty(field: models.Field):
    return {} if isinstance(field, models.JSONField) else ""


# What a wholly marked row keeps when it reaches a reader outside its marking by a path the
# queryset gate could not filter (a foreign key): who it belongs to, never what it says.
KEPT = {"id", "marking", "side", "version", "created_at", "updated_at"}


def _governed_fields(item) -> list[models.Field]:
    if item.marking_governs is not None:
        return [item._meta.get_field(name) for name in item.marking_governs]
    return [
        field
        for field in item._meta.concrete_fields
        if field.name not in KEPT and isinstance(field, models.CharField | models.TextField)
    ]


def withhold(item, reader) -> None:
    """Blank (in memory) the fields `item`'s marking governs if `reader` may not read them, and
    say so in `item.withheld`; the same for the markable rows selected with it."""
    from .visibility import may_read

    if "marking" not in item.__dict__ and not any(
        field.attname in item.__dict__ for field in _governed_fields(item)
    ):
        return  # read without its marking nor anything it governs (`only()`): nothing to hide
    item.withheld = not may_read(reader, item.marking)
    if item.withheld:
        for field in _governed_fields(item):
            if field.attname in item.__dict__:
                setattr(item, field.attname, _empty(field))
    for related in item._state.fields_cache.values():
        if isinstance(related, Markable) and not hasattr(related, "withheld"):
            withhold(related, reader)


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
        from .visibility import condition

        clone = (
            self.filter(condition(user)) if self.model.marking_governs is None else self._chain()
        )
        clone._reader, clone._gated = user, True
        return clone

    def _for_the_reader_now(self):
        """This read as the gate makes it for the reader being served, if it names none."""
        if self._gated:
            return None
        reader = gate_reader()
        if reader is _SYSTEM:
            return None
        if self.query.is_sliced:  # sliced already (`get()` does): gate first, slice again
            low, high = self.query.low_mark, self.query.high_mark
            unsliced = self._chain()
            unsliced.query.clear_limits()
            gated = unsliced.visible_to(reader)
            gated.query.set_limits(low, high)
            return gated
        return self.visible_to(reader)

    def __getitem__(self, k):
        # The gate first, then the page: a slice cannot be filtered afterwards.
        if not self._gated and self._result_cache is None:
            reader = gate_reader()
            if reader is not _SYSTEM:
                return self.visible_to(reader)[k]
        return super().__getitem__(k)

    def count(self) -> int:
        gated = self._for_the_reader_now() if self._result_cache is None else None
        return gated.count() if gated is not None else super().count()

    def exists(self) -> bool:
        gated = self._for_the_reader_now() if self._result_cache is None else None
        return gated.exists() if gated is not None else super().exists()

    def aggregate(self, *args, **kwargs):
        gated = self._for_the_reader_now()
        if gated is not None:
            return gated.aggregate(*args, **kwargs)
        return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size=None):
        gated = self._for_the_reader_now()
        if gated is not None:
            return gated.iterator(chunk_size)
        return self._withheld(super().iterator(chunk_size))

    def _withheld(self, rows):
        """Rows as the gate's reader may read them (instances; values are checked before)."""
        for row in rows:
            if self._gated and isinstance(row, Markable):
                withhold(row, self._reader)
            yield row

    def _fetch_all(self):
        if self._result_cache is None:
            gated = self._for_the_reader_now()
            if gated is not None:
                gated._fetch_all()
                self._result_cache = gated._result_cache
                self._prefetch_done = gated._prefetch_done
                return
        # `values()` and `values_list()` through the gate ask for columns by name: a partly
        # marked kind's governed columns are refused there (read them as objects).
        if self._gated and self._fields is not None and self._result_cache is None:
            asked = set(self._fields)
            if self.model.marking_governs and (
                not asked or asked & set(self.model.marking_governs)
            ):
                raise TypeError(
                    f"{self.model.__name__}: read its marked fields through visible_to() "
                    "as objects, not as values."
                )
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._gated and self._fields is None:
            list(self._withheld(self._result_cache))


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
    # The wholly marked items (foreign keys) this row is never read more widely than: when one
    # is re-marked narrower, this row is narrowed with it (a comment on a milestone).
    marking_follows: tuple[str, ...] = ()
    # Whether the generic marking change (`/markings/`, `/api/v1/markings/`) re-marks this kind.
    marking_changed_here: bool = True

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if getattr(self, "withheld", False):
            raise TypeError(
                f"{type(self).__name__} {self.pk} was read for a reader outside its marking, "
                "its text withheld: it cannot be saved (a service reads it afresh)."
            )
        loaded = getattr(self, "_loaded_marking", None)
        if loaded is not None and loaded != self.marking:
            followers_check(self, self.marking)
        super().save(*args, **kwargs)
        if loaded is not None and loaded != self.marking:
            copies_follow(self)
        self._loaded_marking = self.marking

    @classmethod
    def from_db(cls, db, field_names, values):
        item = super().from_db(db, field_names, values)
        item._loaded_marking = item.__dict__.get("marking")
        reader = gate_reader()
        if reader is not _SYSTEM and "marking" in item.__dict__:
            withhold(item, reader)
        return item


def followers_check(source, marking: str) -> None:
    """Refuse (a 400 on `marking`) making `source` one side's national-only while the other
    side has written on it (a comment, an attachment: `marking_follows`). Narrowed with it,
    that side's text would be taken from it, or, marked that side's national-only, given to
    this side. Asked of every row, whoever reads (a national row of the other side counts)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    from .choices import MARKING_SIDE

    side = MARKING_SIDE.get(marking)
    if side is None:
        return
    for model in markable_models():
        names = {field.name for field in model._meta.get_fields()}
        for field in model.marking_follows:
            if "side" not in names or model._meta.get_field(field).related_model is not type(
                source
            ):
                continue
            with system_reads("whether the other side wrote on an item being re-marked"):
                theirs = model._default_manager.filter(**{field: source}).exclude(side=side)
                if theirs.exists():
                    raise ValidationError(
                        {
                            "marking": gettext(
                                "The other side has written on this item (a comment or an "
                                "attachment), which would be re-marked with it: it cannot be "
                                "made %(marking)s."
                            )
                            % {"marking": Marking(marking).label}
                        }
                    )


def copies_follow(source) -> int:
    """Re-mark every copy of `source`'s text with its current marking; how many changed.

    The copies: the audit log's events of the source (its values before and after), and the
    status updates the tracker wrote quoting a milestone ("milestone “…” added"). And the rows
    written on it that follow it (`marking_follows`: comments, attachments) are narrowed to it
    when it is narrower than they are; made wider, it leaves them as their authors marked them.
    (Made national-only, none of them is the other side's: `followers_check`.)"""
    from django.contrib.contenttypes.models import ContentType

    audit_event = apps.get_model("audit", "AuditEvent")
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
    from .choices import MARKING_REACH

    wider = [m for m, reach in MARKING_REACH.items() if reach > MARKING_REACH[marking]]
    wider += [m for m, reach in MARKING_REACH.items() if reach == MARKING_REACH[marking]]
    for model in markable_models():
        for field in model.marking_follows:
            if model._meta.get_field(field).related_model is not type(source):
                continue
            # Wider than the source, or national of the other side: narrowed to the source's.
            rows = model._default_manager.filter(**{field: source}, marking__in=wider).exclude(
                marking=marking
            )
            for row in rows:
                row.marking = marking
                row.save(update_fields=["marking", "updated_at"])
                changed += 1 + copies_follow(row)  # its own copies too (its audit events)
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
