"""Times in the reader's zone, labelled: 日本時間 to Japanese readers, IST to Indian readers,
UTC only where both sides compare (the summit report)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone, translation

from access.choices import Side
from commitments import services
from declaration_tracker.core.timezones import reader_zone, time_with_zone
from tests.api_base import url
from tests.factories import analyst, commitment, manager, superuser

AT = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=datetime.UTC)
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")


def test_a_time_is_written_in_the_zone_with_its_name_in_the_readers_language():
    with translation.override("ja"):
        assert time_with_zone(AT, zone=TOKYO) == "2026年12月3日23:05（日本時間）"
        assert time_with_zone(AT, zone=KOLKATA) == "2026年12月3日19:35（インド標準時）"
        assert time_with_zone(AT, zone=datetime.UTC) == "2026年12月3日14:05（UTC）"
    with translation.override("en"):
        assert time_with_zone(AT, zone=KOLKATA) == "3 Dec 2026 19:35 IST"
        assert time_with_zone(AT, zone=TOKYO) == "3 Dec 2026 23:05 JST"
        with timezone.override(KOLKATA):
            assert time_with_zone(AT, "H:i") == "19:35 IST"


@pytest.mark.django_db
def test_the_zone_is_the_users_own_by_side_and_by_language_for_the_operator(loaded):
    japanese = analyst("maritime", side=Side.JAPAN, username="tokyo-reader")
    indian = analyst("maritime", side=Side.INDIA, username="delhi-reader")
    operator = superuser(username="operator-reader")

    assert reader_zone(japanese, "en").key == "Asia/Tokyo"  # the side decides, not the language
    assert reader_zone(indian, "ja").key == "Asia/Kolkata"
    assert reader_zone(operator, "ja").key == "Asia/Tokyo"
    assert reader_zone(operator, "en").key == "Asia/Kolkata"
    assert reader_zone(None, "ja").key == "Asia/Tokyo"


def _audited_change():
    author = analyst("maritime", username="timed-writer")
    target = commitment("MAR-07")
    with time_machine.travel(AT, tick=False):
        services.commitment_update(
            commitment=target, actor=author, expected_version=target.version, title="Timed"
        )


@pytest.mark.django_db
def test_a_japanese_reader_reads_the_audit_log_in_japan_time(client, loaded):
    _audited_change()
    client.force_login(manager(side=Side.JAPAN, language="ja", username="jp-manager"))

    body = client.get("/audit/", {"actor": "timed-writer"}).content.decode()

    assert "2026年12月3日23:05（日本時間）" in body
    assert "14:05" not in body


@pytest.mark.django_db
def test_an_indian_reader_reads_the_audit_log_in_ist(client, loaded):
    _audited_change()
    client.force_login(manager(side=Side.INDIA, language="en", username="in-manager"))

    body = client.get("/audit/", {"actor": "timed-writer"}).content.decode()

    assert "3 Dec 2026 19:35 IST" in body
    assert "UTC" not in body


@pytest.mark.django_db
def test_a_status_update_on_the_commitment_page_carries_the_readers_zone(client, loaded):
    author = analyst("maritime", username="reporter")
    target = commitment("MAR-01")
    with time_machine.travel(AT, tick=False):
        services.status_update_create(
            commitment=target, author=author, status="on_track", note="x", expected_version=None
        )

    client.force_login(analyst("maritime", side=Side.JAPAN, language="ja", username="jp-reader"))
    japanese = client.get("/commitments/MAR-01/").content.decode()
    client.force_login(analyst("maritime", side=Side.INDIA, language="en", username="in-reader"))
    indian = client.get("/commitments/MAR-01/").content.decode()

    assert "2026年12月3日23:05（日本時間）" in japanese
    assert "3 Dec 2026 19:35 IST" in indian
    assert " UTC" not in indian


@pytest.mark.django_db
def test_the_api_writes_instants_in_utc_whoever_reads_them(client, loaded):
    _audited_change()
    client.force_login(manager(side=Side.JAPAN, language="ja", username="jp-api-reader"))

    body = client.get(url("audit-events"), {"actor": "timed-writer"}).json()

    assert body["results"][0]["at"] == "2026-12-03T14:05:00Z"
