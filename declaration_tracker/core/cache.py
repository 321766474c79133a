"""The cache: a Redis backend the site survives losing, and cached values retired by a
generation number.

Everything this project caches can be computed again (dashboard figures, reference lists,
notification badges) or counted afresh (API throttling), so with Redis unreachable a cache
read is a miss and a write is skipped, with a warning in the log, instead of a 500 on every
page. Once Redis answers again the cache fills up again. A copy written before the outage
could outlive an invalidation missed during it; every copy also expires on its own timeout.

Generations: any write moves it on, old copies go unread.

A family of cached values (the dashboard figures, the reference lists, the notification
badges) shares one generation key. `invalidate(family)` moves it on at once and again when the
writing transaction commits, so a copy computed from not-yet-committed data is never kept.
With several web processes CACHE_URL must name a shared cache (Redis) for this to hold across
them; each copy also expires after its timeout, whatever happens to the cache.
"""

import functools
import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# What each operation answers while Redis is unreachable: a miss, or nothing done (a type
# stands for a fresh empty value of it).
FALLBACKS = {
    "add": False,
    "get": None,
    "set": None,
    "touch": False,
    "delete": False,
    "get_many": dict,
    "has_key": False,
    "incr": None,
    "set_many": list,
    "delete_many": None,
    "clear": None,
}


def _tolerant(name: str, fallback):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("Cache unreachable, %s skipped: %s", name, error)
            if name == "get":  # get(key, default=None)
                return kwargs.get("default", args[1] if len(args) > 1 else None)
            return fallback() if callable(fallback) else fallback

    return wrapper


class TolerantRedisCache(RedisCache):
    pass


for _name, _fallback in FALLBACKS.items():
    setattr(TolerantRedisCache, _name, _tolerant(_name, _fallback))


# --- Cached values retired by a generation number


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
