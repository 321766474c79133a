"""Tokens are throttled; a throttled client is told when to come back."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from declaration_tracker.api.throttling import TokenRateThrottle
from tests.api_base import token_for
from tests.factories import viewer

pytestmark = pytest.mark.usefixtures("loaded")


@pytest.fixture
def three_per_minute(monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("three_per_minute")
def test_a_token_over_its_rate_gets_429_with_retry_after():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(viewer())}")

    statuses = [client.get("/api/v1/pillars/").status_code for _ in range(4)]
    refused = client.get("/api/v1/pillars/")

    assert statuses == [200, 200, 200, 429]
    assert refused.json()["error"]["status"] == 429
    assert int(refused["Retry-After"]) > 0


@pytest.mark.usefixtures("three_per_minute")
def test_each_token_has_its_own_allowance():
    first, second = APIClient(), APIClient()
    first.credentials(HTTP_AUTHORIZATION=f"Token {token_for(viewer())}")
    second.credentials(HTTP_AUTHORIZATION=f"Token {token_for(viewer())}")
    for _ in range(3):
        first.get("/api/v1/pillars/")

    assert first.get("/api/v1/pillars/").status_code == 429
    assert second.get("/api/v1/pillars/").status_code == 200
