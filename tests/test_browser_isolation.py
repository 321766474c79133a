"""The browser tests' allowance for ORM calls from an event loop ends with them.

tests/browser/ sets DJANGO_ALLOW_ASYNC_UNSAFE for its own tests only. This test uses no
database, so pytest-django runs it among the last, after the browser tests (which use the
transactional database); in a run with them it shows what every later test sees: the variable
as it was when the run started, no event loop left running, and Django's guard of the ORM
refusing calls from one.
"""

import asyncio
import os

import pytest
from django.core.exceptions import SynchronousOnlyOperation
from django.utils.asyncio import async_unsafe

from tests.conftest import ASYNC_UNSAFE_AT_START as BEFORE

VARIABLE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@async_unsafe
def orm_call() -> str:
    """Guarded as the ORM's connections are (connect, cursor, …)."""
    return "ran"


def test_after_the_browser_tests_orm_calls_from_an_event_loop_are_refused_again(request):
    items = request.session.items
    browser = [i for i, item in enumerate(items) if item.get_closest_marker("browser")]
    assert all(i < items.index(request.node) for i in browser), "it ran before browser tests"

    now = os.environ.get(VARIABLE)
    assert now == BEFORE, f"{VARIABLE} is {now!r} here, {BEFORE!r} when the run started"
    with pytest.raises(RuntimeError, match="no running event loop"):
        asyncio.get_running_loop()
    if BEFORE is not None:
        return  # allowed by whoever started the run, not by the browser tests

    async def from_a_loop() -> str:
        return orm_call()

    with pytest.raises(SynchronousOnlyOperation):
        asyncio.run(from_a_loop())
