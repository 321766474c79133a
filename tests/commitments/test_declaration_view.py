"""The declaration reader: the whole text once, escaped, with every clause marked and linked."""

import html
import re
from types import SimpleNamespace

import pytest

from commitments.choices import Status
from commitments.declaration_layout import clause_spans, declaration_layout, declaration_paragraphs
from commitments.models import Commitment, Declaration, User
from dialogues.models import DialogueMechanism
from tests.factories import analyst, manager, superuser, viewer

URL = "/declaration/"


# --------------------------------------------------------------------------- the pure layout


def texts(segments) -> list[tuple[str, list]]:
    return [(s.text, s.items) for s in segments]


def test_clauses_cut_the_text_without_repeating_it():
    segments, unplaced = clause_spans(
        "one two three four five",
        [("two three", "A"), ("three four", "B"), ("two", "C"), ("five", "D"), ("six", "E")],
    )

    assert texts(segments) == [
        ("one ", []),
        ("two three four", ["A", "B", "C"]),
        (" ", []),
        ("five", ["D"]),
    ]
    assert unplaced == ["E"]
    assert "".join(s.text for s in segments) == "one two three four five"


def test_shared_nested_and_adjacent_clauses():
    segments, unplaced = clause_spans(
        "abcdef", [("bcd", 1), ("bcd", 2), ("c", 3), ("ef", 4), ("", 5)]
    )

    assert texts(segments) == [("a", []), ("bcd", [1, 2, 3]), ("ef", [4])]
    assert unplaced == [5]


def test_a_paragraph_without_clauses_is_one_plain_segment():
    assert texts(clause_spans("plain text", [])[0]) == [("plain text", [])]


def test_layout_numbers_paragraphs_as_the_loader_and_the_model_do():
    """Non-blank lines, numbered in order: a blank line between paragraphs takes no number."""
    text = "alpha\n\ngamma delta"
    item = SimpleNamespace(paragraph=2, source_clause="gamma")
    lost = SimpleNamespace(paragraph=9, source_clause="alpha")

    paragraphs, orphans = declaration_layout(text, [item, lost])

    assert [p.number for p in paragraphs] == [1, 2]
    assert texts(paragraphs[1].segments) == [("gamma", [item]), (" delta", [])]
    assert orphans == [lost]
    assert declaration_paragraphs(text) == ["alpha", "gamma delta"]
    assert Declaration(text=text).paragraphs == declaration_paragraphs(text)


def test_each_commitment_of_a_shared_clause_marks_its_own_words():
    clause = "niche areas such as counter-terrorism, peacekeeping, cyber defence"
    text = f"Further commitments include collaboration in {clause}, and more."
    terror = SimpleNamespace(source_clause=clause, clause_part="counter-terrorism")
    peace = SimpleNamespace(source_clause=clause, clause_part="peacekeeping")
    whole = SimpleNamespace(source_clause="Further commitments", clause_part="")

    segments, unplaced = clause_spans(
        text, [(clause, terror), (clause, peace), (whole.source_clause, whole)]
    )

    marked = [(segment.text, segment.items) for segment in segments if segment.items]
    assert marked == [
        ("Further commitments", [whole]),
        ("counter-terrorism", [terror]),
        ("peacekeeping", [peace]),
    ]
    assert unplaced == []
    # A part that is not inside its clause is not marked somewhere else in the paragraph.
    stray = SimpleNamespace(source_clause=clause, clause_part="more")
    assert clause_spans(text, [(clause, stray)])[1] == [stray]


# --------------------------------------------------------------------------- the page


def paragraph_html(page: str) -> dict[int, str]:
    return {
        int(number): body
        for number, body in re.findall(r'<p id="p(\d+)">(.*?)</p>', page, re.DOTALL)
    }


def shown_text(body: str) -> str:
    """The declaration's words in a paragraph's HTML, without the number and the links."""
    body = re.sub(r'^<a href="#p\d+"[^>]*>\d+\.</a> ', "", body)
    body = re.sub(r' <small class="clause-links">.*?</small>', "", body, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


@pytest.mark.usefixtures("loaded")
def test_the_reader_needs_a_log_in_and_a_role(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/declaration/"

    client.force_login(User.objects.create(username="no-role"))
    assert client.get(URL).status_code == 403


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    "make_user",
    [viewer, manager, lambda: analyst("maritime"), superuser],
    ids=["viewer", "manager", "analyst", "superuser"],
)
def test_every_role_reads_the_declaration(client, make_user):
    client.force_login(make_user())
    response = client.get(URL)
    assert response.status_code == 200
    assert "India–Japan Joint Declaration on Security Cooperation" in response.text


@pytest.mark.usefixtures("loaded")
def test_the_whole_text_is_shown_once_paragraph_by_paragraph(client):
    client.force_login(viewer())
    declaration = Declaration.objects.get()

    paragraphs = paragraph_html(client.get(URL).text)

    lines = declaration.text.splitlines()
    assert sorted(paragraphs) == list(range(1, len(lines) + 1))
    for number, line in enumerate(lines, start=1):
        assert shown_text(paragraphs[number]) == line


@pytest.mark.usefixtures("loaded")
def test_every_commitment_and_mechanism_is_linked_inside_its_paragraph(client):
    client.force_login(viewer())

    paragraphs = paragraph_html(client.get(URL).text)

    for code, title, number in Commitment.objects.values_list("code", "title", "paragraph"):
        link = f'<a href="/commitments/{code}/" id="clause-{code}">{code} {html.escape(title)}</a>'
        assert link in paragraphs[number]
    for slug, number in DialogueMechanism.objects.values_list("slug", "paragraph"):
        assert f'<a href="/dialogues/{slug}/"' in paragraphs[number]


@pytest.mark.usefixtures("loaded")
def test_clauses_are_marked_and_overlapping_ones_merged(client):
    client.force_login(viewer())

    paragraphs = paragraph_html(client.get(URL).text)

    marks = re.findall(r'<mark class="clause">(.*?)</mark>', paragraphs[6])
    # MAR-06's clause lies inside MAR-05's: one mark, both listed after it.
    assert (
        "coordinate to counter piracy and transnational crime, working through regional "
        "mechanisms like ReCAAP"
    ) in marks
    assert "coordinate to counter piracy and transnational crime" not in marks
    merged = paragraphs[6].split("like ReCAAP</mark>", 1)[1].split("</small>", 1)[0]
    assert "MAR-05" in merged and "MAR-06" in merged
    # Commitments sharing one listing clause: each marks its own words, linked to itself.
    for part, code in (("counter-terrorism", "DEF-07"), ("peacekeeping", "DEF-08")):
        after = paragraphs[5].split(f'<mark class="clause">{part}</mark>', 1)[1]
        assert code in after.split("</small>", 1)[0]
    # A commitment and a mechanism share a clause in paragraph 10.
    nsa = paragraphs[10].split("annual National Security Adviser consultations</mark>", 1)[1]
    nsa = nsa.split("</small>", 1)[0]
    assert "DIA-01" in nsa and "/dialogues/nsa-consultations/" in nsa


@pytest.mark.usefixtures("loaded")
def test_each_commitment_shows_its_current_status(client):
    Commitment.objects.filter(code="MAR-01").update(status=Status.AT_RISK)
    client.force_login(viewer())

    page = client.get(URL).text

    mar_01 = page.split('id="clause-MAR-01">', 1)[1].split("</span>", 1)[0]
    assert '<span class="badge badge-at_risk">At risk' in mar_01


@pytest.mark.usefixtures("loaded")
def test_text_and_titles_are_escaped(client):
    Commitment.objects.filter(code="IND-08").update(title="<b>R&D</b> with ATLA")
    client.force_login(viewer())

    page = client.get(URL).text

    assert "<b>R&D</b>" not in page
    assert "&lt;b&gt;R&amp;D&lt;/b&gt; with ATLA" in page
    # The declaration's own ampersand, inside a marked clause.
    clause = "defence R&amp;D (notably between DRDO and Japan’s ATLA)"
    assert f'<mark class="clause">{clause}</mark>' in page


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize("extra", [0, 30])
def test_the_reader_costs_the_same_queries_whatever_the_commitments(
    client, django_assert_max_num_queries, extra
):
    template = Commitment.objects.select_related("declaration", "pillar").get(code="MAR-01")
    for n in range(extra):
        Commitment.objects.create(
            code=f"MAR-{n + 50}",
            declaration=template.declaration,
            pillar=template.pillar,
            title=f"Extra {n}",
            source_clause=template.source_clause if n % 2 else "maritime domain awareness",
            paragraph=6,
        )
    client.force_login(viewer())

    with django_assert_max_num_queries(9):
        response = client.get(URL)

    assert response.status_code == 200
    linked = set(re.findall(r'href="/commitments/([A-Z]{3}-\d+)/"', response.text))
    assert linked == set(Commitment.objects.values_list("code", flat=True))
