"""Writers holding transactions open in threads of their own, driven one step at a time.

Each `Writer` is a thread with its own database connection. `begin()` opens a transaction,
`do(fn)` runs `fn` inside it and waits for it, `commit()` ends it: the test decides exactly
when each transaction writes and commits, so transactions that began in one order commit in
another, with a client reading the feed between them. Nothing is mocked: real transactions on
the test's PostgreSQL database.
"""

import queue
import threading

from django.db import connection, transaction

STEP_SECONDS = 20


class Writer:
    def __init__(self, name: str):
        self.name = name
        self._inbox: queue.Queue = queue.Queue()
        self._outbox: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            while True:
                fn = self._inbox.get()
                if fn is None:
                    return
                try:
                    self._outbox.put((True, fn()))
                except BaseException as error:  # handed to the test, which raises it
                    self._outbox.put((False, error))
        finally:
            connection.close()

    def _call(self, fn):
        self._inbox.put(fn)
        ok, value = self._outbox.get(timeout=STEP_SECONDS)
        if not ok:
            raise value
        return value

    def begin(self) -> None:
        self._call(lambda: transaction.set_autocommit(False))

    def do(self, fn):
        """Run `fn` in this writer's open transaction; a failed write is rolled back to
        before it (a savepoint), the transaction stays open."""

        def step():
            with transaction.atomic():
                return fn()

        return self._call(step)

    def commit(self) -> None:
        def step():
            transaction.commit()
            transaction.set_autocommit(True)

        self._call(step)

    def rollback(self) -> None:
        def step():
            transaction.rollback()
            transaction.set_autocommit(True)

        self._call(step)

    def close(self) -> None:
        self._inbox.put(None)
        self._thread.join(timeout=STEP_SECONDS)
