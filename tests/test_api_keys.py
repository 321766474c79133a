"""API keys for other systems (issue 25): shown once and stored hashed, expiring, scoped,
revocable at once, listed with their last use; DRF's tokens of the old kind migrated to hashed
keys that sign in until TRACKER_LEGACY_TOKENS_UNTIL; scripts keep `drf_create_token` and the
`Token` scheme."""

import datetime
import importlib
import io
import re

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from access.apikeys import api_key_create
from access.models import ApiKey
from tests.api_base import api_client, assert_error, url
from tests.factories import analyst, viewer

pytestmark = pytest.mark.usefixtures("loaded")


def with_key(key: str, scheme: str = "Token"):
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
    return client


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def plaintext_anywhere(secret: str) -> list[str]:
    """The tables holding `secret` in any column, read as text."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*) FROM {quoted} AS t WHERE t::text LIKE %s",  # noqa: S608
                [f"%{secret}%"],
            )
            if cursor.fetchone()[0]:
                found.append(table)
    return found


def test_a_key_is_shown_once_stored_hashed_and_signs_in_with_either_scheme():
    user = viewer()
    out = command("api_key_create", user.username, "--name", "Ministry dashboard")
    key = out.splitlines()[0]
    assert re.fullmatch(r"dtk_[0-9a-f]{8}_[0-9a-f]{64}", key)
    assert "expires" in out and "90 days" in out and "not shown again" in out
    for scheme in ("Token", "Bearer"):
        assert with_key(key, scheme).get(url("pillars")).status_code == 200
    # Not the key, not its secret: only the prefix and the secret's digest are kept.
    assert plaintext_anywhere(key) == []
    assert plaintext_anywhere(key.rsplit("_", 1)[1]) == []
    stored = ApiKey.objects.get(user=user)
    assert stored.name == "Ministry dashboard" and stored.last_used_at is not None


def test_a_read_only_key_reads_and_may_not_write():
    writer = analyst("maritime", side="india")
    _row, key = api_key_create(writer, read_only=True)
    client = with_key(key)
    assert client.get(url("commitments", "MAR-01")).status_code == 200
    response = client.post(
        url("commitments", "MAR-01", "status-updates"),
        {"status": "on_track", "note": "Read-only keys do not write."},
        format="json",
    )
    error = assert_error(response, 403)
    assert "read-only" in error["message"]
    _row, full = api_key_create(writer)
    response = with_key(full).post(
        url("commitments", "MAR-01", "status-updates"),
        {"status": "on_track", "note": "A read-write key writes."},
        format="json",
    )
    assert response.status_code == 201


def test_a_key_expires_and_a_revoked_key_stops_at_once():
    user = viewer()
    _row, key = api_key_create(user, days=30)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=29)):
        assert with_key(key).get(url("pillars")).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        error = assert_error(with_key(key).get(url("pillars")), 401)
    assert "expired" in error["message"]
    prefix = ApiKey.objects.get(user=user).prefix
    assert "Revoked" in command("api_key_revoke", prefix)
    error = assert_error(with_key(key).get(url("pillars")), 401)
    assert "revoked" in error["message"]


def test_a_deactivated_users_keys_stop():
    user = viewer()
    _row, key = api_key_create(user)
    user.is_active = False
    user.save()
    assert_error(with_key(key).get(url("pillars")), 401)


def test_drf_create_token_prints_a_key_of_the_new_kind_and_reset_revokes_the_others():
    user = viewer()
    first = re.search(r"Generated token (\S+) for user", command("drf_create_token", user.username))
    second = re.search(
        r"Generated token (\S+) for user", command("drf_create_token", user.username, "-r")
    )
    assert first.group(1).startswith("dtk_") and second.group(1).startswith("dtk_")
    assert_error(with_key(first.group(1)).get(url("pillars")), 401)
    assert with_key(second.group(1)).get(url("pillars")).status_code == 200
    assert not Token.objects.exists()


def test_old_tokens_become_hashed_keys_that_work_until_the_cutoff(settings):
    """The migration: a DRF token in plaintext becomes the digest of a key of the old kind;
    the script sending it goes on until TRACKER_LEGACY_TOKENS_UNTIL, then gets a 401 saying
    what to do."""
    user = viewer()
    old = Token.objects.create(user=user).key
    migration = importlib.import_module("access.migrations.0002_tokens_to_hashed_keys")
    migration.to_hashed(apps, None)
    assert not Token.objects.exists() and plaintext_anywhere(old) == []
    settings.TRACKER_LEGACY_TOKENS_UNTIL = "2027-03-31"
    with time_machine.travel(datetime.datetime(2027, 3, 31, 23, 0, tzinfo=datetime.UTC)):
        assert with_key(old).get(url("pillars")).status_code == 200
    with time_machine.travel(datetime.datetime(2027, 4, 1, 0, 30, tzinfo=datetime.UTC)):
        error = assert_error(with_key(old).get(url("pillars")), 401)
    assert "api_key_create" in error["message"]


def test_keys_are_listed_with_their_last_use_in_the_admin(client):
    from tests.factories import superuser

    user = viewer(username="keyed-viewer")
    row, key = api_key_create(user, name="Parliament reporting")
    with_key(key).get(url("pillars"))
    client.force_login(superuser(username="key-admin", side="india"))
    page = client.get("/admin/access/apikey/").content.decode()
    assert row.prefix in page and "Parliament reporting" in page
    row.refresh_from_db()
    assert row.last_used_at is not None
    assert key not in page


def test_deactivating_a_user_ends_their_sessions_and_keys_for_good(client):
    """At once, and for good: reactivated, they sign in again; the old session and keys stay
    ended."""
    user = viewer(username="leaving-viewer")
    client.force_login(user)
    assert client.get("/commitments/").status_code == 200
    _row, key = api_key_create(user)
    bystander = viewer(username="staying-viewer")
    other = Client()
    other.force_login(bystander)

    user.is_active = False
    user.save()
    assert client.get("/commitments/").status_code == 302  # to the log-in page
    assert_error(with_key(key).get(url("pillars")), 401)
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert client.get("/commitments/").status_code == 302
    assert_error(with_key(key).get(url("pillars")), 401)
    assert ApiKey.objects.get(user=user).state() == "revoked"
    # Nobody else's session moved.
    assert other.get("/commitments/").status_code == 200
