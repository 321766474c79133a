"""Cached values retired by a generation number: any write moves it on, old copies go unread.

A family of cached values (the dashboard figures, the reference lists, the notification
badges) shares one generation key. `invalidate(family)` moves it on at once and again when the
writing transaction commits, so a copy computed from not-yet-committed data is never kept.
With several web processes CACHE_URL must name a shared cache (Redis) for this to hold across
them; each copy also expires after its timeout, whatever happens to the cache.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

# The families of cached values.
DASHBOARD = "dashboard"
NOTIFICATIONS = "notifications"
REFERENCE = "reference"


def _key(family: str) -> str:
    return f"generation:{family}"


def generation(family: str) -> int:
    return cache.get_or_set(_key(family), 0, None) or 0


def _bump(family: str) -> None:
    try:
        cache.incr(_key(family))
    except ValueError:
        cache.set(_key(family), 1, None)


def invalidate(family: str) -> None:
    """Retire the family's cached values now, and again once the current transaction commits."""
    _bump(family)
    transaction.on_commit(lambda: _bump(family))


def cached(family: str, name: str, compute: Callable[[], T], timeout: int) -> T:
    """`compute()`'s value, cached under the family's current generation for `timeout` seconds."""
    key = f"{family}:{generation(family)}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
