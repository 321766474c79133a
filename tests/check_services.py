"""Say plainly whether PostgreSQL and Redis are reachable before the tests start.

`make test` runs this first, and the test session runs it again, so that a missing service
stops everything with a clear message instead of a wall of connection errors or skips. The
cache, emptied before each test, must also have a Redis database apart from the broker's.
"""

import os
import sys

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/declaration_tracker"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/15"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/14"


def redis_database(url: str) -> tuple:
    """The server and database a Redis URL names: (host, port, db)."""
    from redis.connection import parse_url

    options = parse_url(url)
    return (
        options.get("host", "localhost"),
        int(options.get("port", 6379)),
        int(options.get("db", 0)),
    )


def problems() -> list[str]:
    import environ
    import psycopg2
    import redis

    found = []
    database_url = os.environ.get("TEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    config = environ.Env.db_url_config(database_url)
    try:
        psycopg2.connect(
            dbname="postgres",
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        found.append(
            f"PostgreSQL is not reachable at {config.get('HOST')}:{config.get('PORT')} "
            f"({first_line}). Start it (e.g. `pg_ctlcluster <version> main start`) "
            "or set TEST_DATABASE_URL."
        )
    broker_url = os.environ.get("TEST_BROKER_URL", DEFAULT_BROKER_URL)
    cache_url = os.environ.get("TEST_CACHE_URL", DEFAULT_CACHE_URL)
    for name, url in (("TEST_BROKER_URL", broker_url), ("TEST_CACHE_URL", cache_url)):
        try:
            redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        except ValueError as exc:
            found.append(f"{name}={url} is not a Redis URL ({exc}).")
        except redis.RedisError as exc:
            found.append(
                f"Redis is not reachable at {url} ({exc}). Start it (e.g. `redis-server "
                f"--daemonize yes`) or set {name}."
            )
    try:
        shared = redis_database(cache_url) == redis_database(broker_url)
    except ValueError:
        shared = False  # said above
    if shared:
        found.append(
            f"TEST_CACHE_URL and TEST_BROKER_URL name the same Redis database ({cache_url}): "
            "each test empties the cache's database, which would delete the broker's tasks. "
            "Give the cache a database of its own (e.g. redis://127.0.0.1:6379/14)."
        )
    return found


def main() -> int:
    found = problems()
    for problem in found:
        print(f"make test: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
