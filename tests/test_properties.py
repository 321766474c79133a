"""Property-based tests: whatever text people type, it is kept as typed or refused clearly.

Hypothesis generates notes, titles and links with control characters, markup, scripts and any
Unicode; the services and forms either store them as they were given (and pages show them
escaped) or refuse them with a message naming the field. Nothing crashes, nothing half-writes.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments import services
from commitments.choices import Status
from commitments.forms import StatusUpdateForm
from commitments.models import StatusUpdate
from tests.factories import analyst, commitment

pytestmark = pytest.mark.usefixtures("loaded")
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# PostgreSQL text cannot hold NUL; everything else in Unicode can be typed.
TEXT = st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), max_size=300
)
# What a note needs to be taken: something besides white space.
NOTES = TEXT.filter(str.strip)
STATUSES = st.sampled_from(Status.values)
# Characters that mean something in HTML, and those whose escaped form never holds them.
HTML_SPECIAL = "<>&\"'"
NEVER_IN_ESCAPED = "<>\"'"
# A sign no page shows of its own, so that a note that starts with it is found only where the
# page shows that note.
MARK = "\u00a4"
MARKED_UP_NOTES = (
    st.one_of(
        st.sampled_from(
            [
                "<script>alert(1)</script>",
                '"><img src=x onerror=alert(1)>',
                "</td></table><b>bold</b>",
                "a & b < c > d \" e ' f",
                "&lt;b&gt; typed as &amp;lt;b&amp;gt; is not <b>",
            ]
        ),
        st.text(st.sampled_from([*HTML_SPECIAL, *"ab =/!;#x1"]), min_size=1, max_size=40),
    )
    .map(lambda note: MARK + note)
    .filter(lambda note: any(c in note for c in NEVER_IN_ESCAPED))
)


@SETTINGS
@given(note=TEXT, status=st.sampled_from([*Status.values, "", "sinking", "AT_RISK"]))
def test_a_status_update_is_stored_as_typed_or_refused_naming_the_field(note, status):
    target = commitment("MAR-01")
    before = (target.status, target.version, StatusUpdate.objects.filter(commitment=target).count())
    try:
        update = services.status_update_create(
            commitment=target,
            author=analyst("maritime"),
            status=status,
            note=note,
            expected_version=target.version,
        )
    except ValidationError as error:
        assert set(error.message_dict) <= {"note", "status"}
        target.refresh_from_db()
        after = (target.status, target.version, target.status_updates.count())
        assert after == before
    else:
        assert update.note == note.strip()
        assert StatusUpdate.objects.get(pk=update.pk).note == note.strip()


@SETTINGS
@given(note=NOTES, status=STATUSES)
def test_a_valid_status_update_is_stored_as_typed(note, status):
    target = commitment("MAR-01")
    version, trail = target.version, target.status_updates.count()

    update = services.status_update_create(
        commitment=target,
        author=analyst("maritime"),
        status=status,
        note=note,
        expected_version=version,
    )

    target.refresh_from_db()
    assert (target.india_status, target.version) == (status, version + 1)
    assert target.status_updates.count() == trail + 1
    stored = StatusUpdate.objects.get(pk=update.pk)
    assert (stored.side, stored.assessment, stored.note, stored.version) == (
        "india",
        status,
        note.strip(),
        version + 1,
    )


@SETTINGS
@given(note=TEXT, evidence=TEXT, progress=st.one_of(st.none(), st.integers(-5, 105)))
def test_the_status_form_never_accepts_what_the_service_would_refuse(note, evidence, progress):
    form = StatusUpdateForm(
        {
            "status": "on_track",
            "note": note,
            "evidence_url": evidence,
            "progress": "" if progress is None else progress,
            "version": 1,
        }
    )
    if form.is_valid():
        assert form.cleaned_data["note"].strip()
        assert progress is None or 0 <= progress <= 100
    else:
        assert set(form.errors) <= {"note", "evidence_url", "progress"}


@SETTINGS
@given(
    note=NOTES,
    evidence=st.sampled_from(["", "https://example.org/minutes", "example.org/minutes"]),
    progress=st.one_of(st.none(), st.integers(0, 100)),
)
def test_the_status_form_accepts_every_valid_status_update(note, evidence, progress):
    form = StatusUpdateForm(
        {
            "status": "on_track",
            "note": note,
            "evidence_url": evidence,
            "progress": "" if progress is None else progress,
            "version": 1,
        }
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == note.strip()
    assert form.cleaned_data["evidence_url"] == (evidence and f"https://{evidence.split('//')[-1]}")
    assert form.cleaned_data["progress"] == progress


@SETTINGS
@given(note=MARKED_UP_NOTES)
def test_markup_in_a_note_is_shown_escaped(client, note):
    """The page shows the note's own <, >, &, and quotes escaped: its escaped form appears
    once more than before, the note as typed nowhere."""
    target = commitment("MAR-02")
    author = analyst("maritime")
    client.force_login(author)
    kept = note.strip()  # as the service keeps it
    shown = escape(kept)
    before = client.get("/commitments/MAR-02/").content.decode().count(shown)
    services.status_update_create(
        commitment=target,
        author=author,
        status=Status.ON_TRACK,
        note=note,
        expected_version=target.version,
    )

    html = client.get("/commitments/MAR-02/").content.decode()

    assert kept not in html
    assert html.count(shown) > before
