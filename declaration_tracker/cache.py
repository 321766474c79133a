"""A Redis cache that the site survives losing.

Everything this project caches can be computed again (dashboard figures, reference lists,
notification badges) or counted afresh (API throttling), so with Redis unreachable a cache
read is a miss and a write is skipped, with a warning in the log, instead of a 500 on every
page. Once Redis answers again the cache fills up again. A copy written before the outage
could outlive an invalidation missed during it; every copy also expires on its own timeout.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
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
