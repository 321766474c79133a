"""What the discussion tests share: both directions, each side's national marking, a browser."""

import pytest
from django.test import Client

from access.choices import Marking

# Each rule in both directions: India → Japan and Japan → India.
BOTH = pytest.mark.parametrize(
    ("own", "other"), [("india", "japan"), ("japan", "india")], ids=["india→japan", "japan→india"]
)
NATIONAL = {"india": Marking.INDIA_ONLY, "japan": Marking.JAPAN_ONLY}


def browser(user) -> Client:
    """Django's test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client
