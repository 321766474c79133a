"""Domain events: what a write caused, said by the service that made it.

A service emits its events itself (`emit(Event(...))`) once it has made its change, so reading
a service says what it causes, and a bulk write says it too (one `FIGURES_CHANGED`) instead of
passing unnoticed by the model signals. The layers above register their handlers in their
`ready()` (the webhooks' outbox, the dashboard's cache); the apps emitting never import them.

A handler runs at once, inside the writer's transaction: what it writes to the database (an
outbox row) commits or rolls back with the change. Whatever it does outside the database it
defers to `transaction.on_commit` itself (asking a worker to deliver) or repeats then
(`core.cache.invalidate` retires the cache now and again on commit).
"""

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models

# The tracked figures (statuses, progress, dates, milestones, meetings, action items, the
# mechanisms' cadences, the markings they are read under) may have changed: whatever was
# computed from them is stale. Every write to them emits it, once per service call or bulk load.
FIGURES_CHANGED = "figures.changed"


@dataclasses.dataclass(frozen=True)
class Event:
    """One thing that happened: its type, the object it happened to (none for
    `FIGURES_CHANGED`), what changed (the shape is the type's), and who did it (none: the
    system, a data load)."""

    type: str
    obj: models.Model | None = None
    change: dict[str, Any] = dataclasses.field(default_factory=dict)
    actor: Any = None

    @property
    def label(self) -> str:
        """The object's kind as `app_label.model`, e.g. `commitments.milestone`."""
        return self.obj._meta.label_lower if self.obj is not None else ""


Handler = Callable[[Event], None]
_handlers: dict[str, list[Handler]] = {}


def register(handler: Handler, types: Iterable[str]) -> None:
    """Call `handler` with every event of these types (once, however often registered)."""
    for kind in types:
        handlers = _handlers.setdefault(str(kind), [])
        if handler not in handlers:
            handlers.append(handler)


def emit(*events: Event | None) -> None:
    """Hand each event (a None is skipped) to the handlers of its type, in order."""
    for event in events:
        if event is None:
            continue
        for handler in _handlers.get(str(event.type), ()):
            handler(event)


def figures_changed(actor: Any = None) -> Event:
    return Event(FIGURES_CHANGED, actor=actor)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The instance's values of `fields` by name (a relation by its id, read without a query),
    to compare with after a write (`changed`)."""
    meta = instance._meta
    return {name: getattr(instance, meta.get_field(name).attname) for name in fields}


def changed(instance: models.Model, before: dict[str, Any]) -> list[str]:
    """The names of the fields of a `snapshot` whose values differ now, sorted."""
    now = snapshot(instance, before)
    return sorted(name for name, value in before.items() if now[name] != value)


def filled(instance: models.Model, fields: Iterable[str]) -> list[str]:
    """The names of `fields` a new row holds a value in (not None or blank), sorted."""
    values = snapshot(instance, fields)
    return sorted(name for name, value in values.items() if value not in (None, ""))
