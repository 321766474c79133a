"""The browser tests' allowance for ORM calls from an event loop ends with them.

tests/browser/ sets DJANGO_ALLOW_ASYNC_UNSAFE for its own tests only. This file is collected
after that package, so in a whole run it shows what every later test sees: the variable as it
was before the run, no event loop left running, and Django refusing ORM calls from one.
"""

import asyncio
import os

import pytest
from django.core.exceptions import SynchronousOnlyOperation

from commitments.models import Commitment
from tests.conftest import ASYNC_UNSAFE_AT_START as BEFORE

VARIABLE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.mark.django_db
def test_after_the_browser_tests_orm_calls_from_an_event_loop_are_refused_again():
    now = os.environ.get(VARIABLE)
    assert now == BEFORE, f"{VARIABLE} is {now!r} here, {BEFORE!r} when the run started"
    with pytest.raises(RuntimeError, match="no running event loop"):
        asyncio.get_running_loop()
    if BEFORE is not None:
        return  # allowed by whoever started the run, not by the browser tests

    async def count() -> int:
        return Commitment.objects.count()

    with pytest.raises(SynchronousOnlyOperation):
        asyncio.run(count())
