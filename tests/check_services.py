"""Say plainly whether PostgreSQL and Redis are reachable before the tests start.

`make test` runs this first, and the test session runs it again, so that a missing service
stops everything with a clear message instead of a wall of connection errors or skips.
"""

import os
import sys

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/declaration_tracker"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/15"


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
    try:
        redis.Redis.from_url(broker_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        found.append(
            f"Redis is not reachable at {broker_url} ({exc}). Start it (e.g. `redis-server "
            "--daemonize yes`) or set TEST_BROKER_URL."
        )
    return found


def main() -> int:
    found = problems()
    for problem in found:
        print(f"make test: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
