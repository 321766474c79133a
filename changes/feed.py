"""Reading the feed for one reader: the snapshot of a first run, then the changes since.

Every object is represented as the API represents it to the reader now, by the API's own view
sets and serializers (their querysets pass the gate, their serializers withhold what the reader
may not read), in a constant number of queries per type on a page, whatever the history's
length. An entry whose object the reader may no longer read (deleted, or re-marked out of their
reach) is a `delete`, and nothing of its content.
"""

import dataclasses
from collections.abc import Callable

from django.db.models import Q

from access.visibility import reader_markings
from commitments import selectors as commitment_selectors
from commitments.api import serializers as commitment_serializers
from commitments.api.views import (
    CommitmentViewSet,
    MilestoneViewSet,
    OrganisationViewSet,
    PillarViewSet,
)
from declaration_tracker.api.pagination import MAX_PAGE_SIZE
from dialogues.api.views import ActionItemViewSet, DialogueMechanismViewSet, MeetingViewSet
from discussion import comment_selectors, reconciliation_selectors
from discussion.attachment_api import AttachmentViewSet
from discussion.comment_api import CommentSerializer
from discussion.reconciliation_api import ReconciliationSerializer

from . import sequencing
from .models import AUDIENCE_MARKINGS, ChangeEntry
from .tokens import Position, TokenExpired

PAGE_MAX = MAX_PAGE_SIZE  # the API's largest page


@dataclasses.dataclass(frozen=True)
class FeedType:
    """A kind of object the feed carries: the API's view set (or a queryset and serializer of
    the reader's) that represents it, and the field its key is."""

    name: str
    key_field: str
    viewset: type | None = None
    queryset: Callable | None = None  # (reader) -> the objects the reader may read
    serializer: type | None = None
    numeric: bool = False

    def _view(self, request):
        view = self.viewset(request=request, args=(), kwargs={}, action="list", format_kwarg=None)
        view.headers = {}
        return view

    def objects(self, request):
        if self.viewset is not None:
            return self._view(request).get_queryset()
        return self.queryset(request.user)

    def represent(self, request, objects: list) -> list[dict]:
        if self.viewset is not None:
            return list(self._view(request).get_serializer(objects, many=True).data)
        return list(self.serializer(objects, many=True, context={"request": request}).data)

    def key(self, obj) -> str:
        return str(getattr(obj, self.key_field))

    def ident(self, key: str):
        """The entry's `id`: a number for the kinds the API numbers, else the code or slug."""
        return int(key) if self.numeric else key

    def after(self, queryset, last: str):
        """The objects after the key `last`, in key order."""
        if self.numeric:
            return queryset.filter(pk__gt=int(last or 0)).order_by("pk")
        return queryset.filter(**{f"{self.key_field}__gt": last}).order_by(self.key_field)

    def having(self, queryset, keys: list[str]):
        if self.numeric:
            return queryset.filter(pk__in=[int(k) for k in keys if k.isdigit()])
        return queryset.filter(**{f"{self.key_field}__in": keys})


class ContextType(FeedType):
    """A side's context: keyed `<code>/<side>` (one per commitment and side)."""

    def key(self, obj) -> str:
        return f"{obj.commitment.code}/{obj.side}"

    def after(self, queryset, last: str):
        code, _, side = last.partition("/")
        queryset = queryset.select_related("commitment").order_by("commitment__code", "side")
        if not last:
            return queryset
        return queryset.filter(
            Q(commitment__code__gt=code) | Q(commitment__code=code, side__gt=side)
        )

    def having(self, queryset, keys: list[str]):
        wanted = Q(pk__in=[])
        for key in keys:
            code, _, side = key.partition("/")
            wanted |= Q(commitment__code=code, side=side)
        return queryset.select_related("commitment").filter(wanted)


# In the snapshot's order: what others point to first.
TYPES = [
    FeedType(
        "declaration",
        "pk",
        queryset=commitment_selectors.declaration_list,
        serializer=commitment_serializers.DeclarationSerializer,
        numeric=True,
    ),
    FeedType("pillar", "slug", PillarViewSet),
    FeedType("organisation", "slug", OrganisationViewSet),
    FeedType("dialogue", "slug", DialogueMechanismViewSet),
    FeedType("commitment", "code", CommitmentViewSet),
    ContextType(
        "context",
        "side",
        queryset=commitment_selectors.context_list,
        serializer=commitment_serializers.CommitmentContextSerializer,
    ),
    FeedType(
        "status_update",
        "pk",
        queryset=commitment_selectors.status_update_list,
        serializer=commitment_serializers.StatusUpdateSerializer,
        numeric=True,
    ),
    FeedType("milestone", "pk", MilestoneViewSet, numeric=True),
    FeedType("meeting", "pk", MeetingViewSet, numeric=True),
    FeedType("action_item", "pk", ActionItemViewSet, numeric=True),
    FeedType(
        "comment",
        "pk",
        queryset=comment_selectors.comment_list,
        serializer=CommentSerializer,
        numeric=True,
    ),
    FeedType("attachment", "pk", AttachmentViewSet, numeric=True),
    FeedType(
        "reconciliation",
        "pk",
        queryset=reconciliation_selectors.reconciliation_feed,
        serializer=ReconciliationSerializer,
        numeric=True,
    ),
]
BY_NAME = {kind.name: kind for kind in TYPES}


def audience_of(reader) -> str | None:
    """Which sequence `reader` reads: that of the readers of the same markings (none for
    someone who reads nothing)."""
    markings = reader_markings(reader)
    return next((a for a, read in AUDIENCE_MARKINGS.items() if read == markings), None)


@dataclasses.dataclass
class Page:
    entries: list[dict]
    position: Position
    more: bool


def page(request, position: Position | None, size: int = PAGE_MAX) -> Page:
    """A page of the reader's feed from `position` (None: a first run, from the snapshot)."""
    audience = audience_of(request.user)
    sequencing.sequence()
    state = sequencing.state()
    if position is None:
        position = Position(audience, getattr(state, f"last_{audience}"), (0, ""))
    elif position.pos < getattr(state, f"compacted_{audience}"):
        raise TokenExpired
    entries: list[dict] = []
    if position.snapshot is not None:
        entries, position = _snapshot(request, position, size)
        if position.snapshot is not None:
            return Page(entries, position, more=True)
    changes, position, more = _changes(request, position, size - len(entries))
    return Page(entries + changes, position, more)


def _snapshot(request, position: Position, size: int) -> tuple[list[dict], Position]:
    index, last = position.snapshot
    entries: list[dict] = []
    while index < len(TYPES) and len(entries) < size:
        kind = TYPES[index]
        room = size - len(entries)
        found = list(kind.after(kind.objects(request), last)[: room + 1])
        taken = found[:room]
        entries += [
            {
                "seq": position.pos,
                "type": kind.name,
                "id": kind.ident(kind.key(obj)),
                "op": "upsert",
                "object": data,
            }
            for obj, data in zip(taken, kind.represent(request, taken), strict=True)
        ]
        if len(found) > room:
            return entries, Position(position.audience, position.pos, (index, kind.key(taken[-1])))
        index, last = index + 1, ""
    ended = index >= len(TYPES)
    return entries, Position(position.audience, position.pos, None if ended else (index, last))


def _changes(request, position: Position, room: int) -> tuple[list[dict], Position, bool]:
    field = f"pos_{position.audience}"
    later = ChangeEntry.objects.filter(**{f"{field}__gt": position.pos}).order_by(field)
    if room <= 0:
        return [], position, later.exists()
    rows = list(later.only("type", "key", field)[: room + 1])
    more = len(rows) > room
    rows = rows[:room]
    # An object changed more than once on the page is given once, at its last change.
    last = {(row.type, row.key): index for index, row in enumerate(rows)}
    wanted: dict[str, list[str]] = {}
    for row_type, key in last:
        if row_type in BY_NAME:
            wanted.setdefault(row_type, []).append(key)
    represented: dict[tuple[str, str], dict] = {}
    for row_type, keys in wanted.items():
        kind = BY_NAME[row_type]
        found = list(kind.having(kind.objects(request), keys))
        for obj, data in zip(found, kind.represent(request, found), strict=True):
            represented[(row_type, kind.key(obj))] = data
    entries = []
    for index, row in enumerate(rows):
        ident = (row.type, row.key)
        if last[ident] != index or row.type not in BY_NAME:
            continue
        entry = {
            "seq": getattr(row, field),
            "type": row.type,
            "id": BY_NAME[row.type].ident(row.key),
        }
        data = represented.get(ident)
        entry.update({"op": "upsert", "object": data} if data is not None else {"op": "delete"})
        entries.append(entry)
    end = getattr(rows[-1], field) if rows else position.pos
    return entries, Position(position.audience, end), more
