"""The audit log in its reader's language: the record stays in English, the page shows object
names, field names, coded values and dates in Japanese to a Japanese reader."""

import datetime
import html as markup

import pytest
from django.utils import translation

from access.choices import Side
from audit.models import AuditEvent
from commitments import services
from commitments.choices import Priority
from tests.factories import analyst, commitment, manager

pytestmark = pytest.mark.usefixtures("loaded")


def change_mar_05(actor):
    target = commitment("MAR-05")
    services.commitment_update(
        commitment=target, actor=actor, expected_version=target.version, description="New words"
    )
    target = commitment("MAR-05")
    # Shared terms: proposed to the other side (an event of its own, its terms recorded).
    services.commitment_update(
        commitment=target,
        actor=actor,
        expected_version=target.version,
        priority=Priority.HIGH,
        target_date=datetime.date(2026, 12, 3),
    )


def page(client, user) -> str:
    client.force_login(user)
    response = client.get("/audit/", {"commitment": "MAR-05", "actor": "audit-jp"})
    return " ".join(markup.unescape(response.content.decode()).split())


def test_the_record_is_english_whoever_acts():
    with translation.override("ja"):
        change_mar_05(analyst("maritime", side=Side.INDIA, language="ja", username="audit-jp"))

    events = AuditEvent.objects.filter(commitment_code="MAR-05", actor__username="audit-jp")
    reprs = [e.object_repr for e in events]
    assert any(r.startswith("MAR-05 Intend to coordinate to counter piracy") for r in reprs)
    assert not [r for r in reprs if "ReCAAP等" in r]


def test_a_japanese_reader_reads_the_log_in_japanese(client):
    change_mar_05(analyst("maritime", side=Side.INDIA, username="audit-jp"))

    body = page(client, manager(side=Side.JAPAN, language="ja", username="audit-reader-jp"))

    assert "MAR-05 ReCAAP等を通じた海賊対策での連携" in body
    assert "Intend to coordinate" not in body
    assert "2026年12月3日" in body and "2026-12-03" not in body
    assert str(Priority.HIGH.label) not in body  # "High", in English
    with translation.override("ja"):
        assert str(Priority.HIGH.label) in body
        assert str(commitment("MAR-05")._meta.get_field("target_date").verbose_name) in body


def test_an_english_reader_reads_the_log_in_english(client):
    change_mar_05(analyst("maritime", side=Side.INDIA, username="audit-jp"))

    body = page(client, manager(side=Side.INDIA, language="en", username="audit-reader-in"))

    assert "MAR-05 Intend to coordinate to counter piracy" in body
    assert "ReCAAP等" not in body
    assert "3 Dec 2026" in body and "High" in body and "target date" in body


def test_organisations_named_in_a_change_read_in_the_readers_language(client):
    """A change of lead organisations is recorded with their English names; a Japanese reader
    reads their Japanese names (an English reader, the record's)."""
    from commitments.models import Organisation

    target = commitment("MAR-05")
    chosen = list(Organisation.objects.exclude(name_ja="").order_by("pk")[:2])
    assert chosen, "the data file names organisations in Japanese"
    services.commitment_update(
        commitment=target,
        actor=manager(side=Side.INDIA, username="audit-jp"),
        expected_version=target.version,
        lead_organisations=chosen,
    )

    japanese = page(client, manager(side=Side.JAPAN, language="ja", username="audit-reader-jp"))
    english = page(client, manager(side=Side.INDIA, language="en", username="audit-reader-en"))

    for organisation in chosen:
        with translation.override("ja"):
            in_japanese = str(organisation)
        with translation.override("en"):
            in_english = str(organisation)
        assert in_japanese != in_english
        assert in_japanese in japanese and in_english not in japanese
        assert in_english in english
