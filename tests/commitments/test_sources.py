"""The source named for what it is: the data file's text recorded and shown as a published
summary of the declaration, and official texts loaded with `load_declaration --source`."""

import datetime
import html
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from commitments.choices import SourceKind
from commitments.models import Declaration, OfficialClause, SourceDocument
from tests.api_base import api_client, url
from tests.data import OFFICIAL_TEXT_SAMPLE, OFFICIAL_TEXT_SAMPLE_JA
from tests.factories import analyst, viewer

SUMMARY_TITLE = (
    "India and Japan adopt Joint Declaration on Security Cooperation during PM Modi's visit"
)
MOFA = "Japan's Ministry of Foreign Affairs"
MEA = "India's Ministry of External Affairs"

pytestmark = pytest.mark.usefixtures("loaded")


def load_source(path: Path) -> str:
    out = io.StringIO()
    call_command("load_declaration", "--source", str(path), stdout=out)
    return out.getvalue()


def page(client, path: str, language: str = "en") -> str:
    client.force_login(analyst("maritime", "dialogue", language=language, username=f"r-{language}"))
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.content.decode())


def words(page_html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_html))


def written(tmp_path, text: str) -> Path:
    path = tmp_path / "source.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the record


def test_the_data_files_text_is_recorded_as_an_unofficial_summary_by_g_plus_times():
    declaration = Declaration.objects.select_related("text_source").get()
    summary = declaration.text_source

    assert summary.kind == SourceKind.UNOFFICIAL_SUMMARY
    assert (summary.title, summary.publisher, summary.language) == (
        SUMMARY_TITLE,
        "G Plus Times",
        "en",
    )
    assert summary.url == "" and summary.published is None
    assert "29–30 August 2025" in summary.published_note
    assert not summary.is_official


def test_loading_the_data_file_again_keeps_the_one_summary(declaration_data):
    from declaration.loading import declaration_load

    before = Declaration.objects.get().text_source_id
    report = declaration_load(data=declaration_data)

    assert SourceDocument.objects.count() == 1
    assert Declaration.objects.get().text_source_id == before
    assert "source documents" not in str(report)


# --------------------------------------------------------------------------- the pages


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_declaration_page_says_its_text_is_a_published_summary(client, language):
    text = words(page(client, "/declaration/", language))

    assert SUMMARY_TITLE in text or "モディ首相の訪日中" in text
    assert "G Plus Times" in text
    if language == "en":
        assert "published news summary of the declaration" in text
        assert "not the declaration's own text" in text
        assert MEA in text and MOFA in text and "also publishes its Japanese text" in text
        assert "The full text" not in text
    else:
        assert "共同宣言そのものの文言ではなく、報道機関が公表した共同宣言の要約" in text
        assert "インド外務省" in text and "日本語の文書は日本の外務省" in text
        assert "全文" not in text


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_commitment_page_quotes_from_the_summary_of_the_declaration(client, language):
    text = words(page(client, "/commitments/MAR-01/", language))

    heading = "From the summary of the declaration" if language == "en" else "共同宣言の要約より"
    assert heading in text
    assert "increase port visits by naval and coast guard vessels" in text
    assert "G Plus Times" in text
    if language == "en":
        assert "not from the declaration itself" in text and MEA in text and MOFA in text
        assert "From the declaration " not in text
    else:
        assert "共同宣言そのものではなく" in text and "インド外務省" in text


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_mechanism_page_quotes_from_the_summary_of_the_declaration(client, language):
    text = words(page(client, "/dialogues/nsa-consultations/", language))

    heading = "From the summary of the declaration" if language == "en" else "共同宣言の要約より"
    assert heading in text
    assert (
        "not from the declaration itself" if language == "en" else "共同宣言そのものではなく"
    ) in text


# --------------------------------------------------------------------------- loading a source


def test_a_good_source_file_adds_the_document_and_its_clauses():
    out = load_source(OFFICIAL_TEXT_SAMPLE)

    document = SourceDocument.objects.get(kind=SourceKind.OFFICIAL_TEXT, language="en")
    assert document.title.startswith("SAMPLE (invented test data)")
    assert document.published == datetime.date(2025, 8, 29) and document.url == ""
    clauses = {c.commitment.code: c for c in document.clauses.select_related("commitment")}
    assert set(clauses) == {"MAR-01", "DEF-01"}
    assert clauses["MAR-01"].paragraph == "6(a)"
    assert clauses["MAR-01"].text.startswith("[Test data]")
    assert "2 created" in out
    # The summary stays the text's source.
    assert Declaration.objects.get().text_source.kind == SourceKind.UNOFFICIAL_SUMMARY


def test_loading_the_same_source_again_updates_in_place(tmp_path):
    load_source(OFFICIAL_TEXT_SAMPLE)
    first = {c.pk for c in OfficialClause.objects.all()}

    out = load_source(OFFICIAL_TEXT_SAMPLE)

    assert {c.pk for c in OfficialClause.objects.all()} == first
    assert SourceDocument.objects.filter(kind=SourceKind.OFFICIAL_TEXT).count() == 1
    assert "0 created, 0 updated, 0 removed" in out

    changed = OFFICIAL_TEXT_SAMPLE.read_text(encoding="utf-8").replace(
        "more complex bilateral exercises", "more complex exercises"
    )
    changed = changed[: changed.index("  - code: DEF-01")] + changed[
        changed.index("  - code: DEF-01") :
    ].replace('paragraph: "4"', 'paragraph: "4(b)"')
    out = load_source(written(tmp_path, changed))
    def01 = OfficialClause.objects.get(commitment__code="DEF-01")
    assert (def01.paragraph, def01.text) == (
        "4(b)",
        "[Test data] The two sides will hold more complex exercises.",
    )
    assert "0 created, 1 updated" in out


def nothing_written():
    assert SourceDocument.objects.count() == 1  # the summary alone
    assert not OfficialClause.objects.exists()


def test_an_unknown_code_is_refused_naming_its_line_and_nothing_is_written(tmp_path):
    text = OFFICIAL_TEXT_SAMPLE.read_text(encoding="utf-8").replace("code: DEF-01", "code: DEF-99")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "DEF-99" in row)

    with pytest.raises(CommandError) as refused:
        load_source(written(tmp_path, text))

    message = str(refused.value)
    assert "nothing was loaded" in message
    assert f"line {line}, clauses entry 2 (DEF-99): unknown commitment code DEF-99" in message
    nothing_written()


def test_every_problem_is_named_with_its_entry(tmp_path):
    text = """document:
  title: "Invented test data"
  publisher: "Nobody"
  published: not-a-date
  language: fr
  kind: unofficial_summary
clauses:
  - code: MAR-01
    paragraph: "1"
  - code: MAR-01
    paragraph: "2"
    text: "Twice."
"""
    with pytest.raises(CommandError) as refused:
        load_source(written(tmp_path, text))

    message = str(refused.value)
    assert "line 2, document: kind must be an official text or official translation" in message
    assert "line 2, document: language fr is not en or ja" in message
    assert "line 2, document: published must be a date, YYYY-MM-DD" in message
    assert "line 8, clauses entry 1 (MAR-01): missing text" in message
    assert "line 10, clauses entry 2 (MAR-01): MAR-01 already has a clause at line 8" in message
    nothing_written()


def test_a_file_that_is_not_yaml_is_refused_with_its_line_and_nothing_is_written(tmp_path):
    text = "document:\n  title: [unclosed\nclauses:\n  - code: MAR-01\n"

    with pytest.raises(CommandError) as refused:
        load_source(written(tmp_path, text))

    assert "is not valid YAML at line" in str(refused.value)
    nothing_written()


def test_a_problem_in_the_last_entry_leaves_the_first_entries_unwritten(tmp_path):
    """One transaction: the check runs whole, and a write that fails undoes the others."""
    text = OFFICIAL_TEXT_SAMPLE.read_text(encoding="utf-8").replace(
        'paragraph: "4"', 'paragraph: "' + "4" * 21 + '"'
    )
    with pytest.raises(CommandError):
        load_source(written(tmp_path, text))

    nothing_written()


# --------------------------------------------------------------------------- shown beside


def test_the_official_clause_is_shown_beside_the_summarys_words(client):
    load_source(OFFICIAL_TEXT_SAMPLE)

    text = words(page(client, "/commitments/MAR-01/"))

    assert "Official text (English)" in text
    assert "[Test data] The two sides will increase port calls by their vessels." in text
    assert "paragraph 6(a)" in text
    assert "From the summary of the declaration" in text
    # A commitment the source gives no clause shows the summary alone.
    assert "Official text (English)" not in words(page(client, "/commitments/MAR-02/"))


def test_a_japanese_reader_sees_the_japanese_official_clause_first(client):
    load_source(OFFICIAL_TEXT_SAMPLE)
    load_source(OFFICIAL_TEXT_SAMPLE_JA)

    japanese = words(page(client, "/commitments/MAR-01/", "ja"))
    english = words(page(client, "/commitments/MAR-01/", "en"))

    ja_clause, en_clause = (
        "［テスト用データ］双方は、艦艇の寄港を増加させる。",
        "[Test data] The two",
    )
    assert japanese.index(ja_clause) < japanese.index(en_clause)
    assert japanese.index(ja_clause) < japanese.index("共同宣言の要約より")
    assert "正文（日本語）" in japanese
    assert english.index(en_clause) < english.index(ja_clause)


def test_the_declaration_page_lists_the_official_texts_loaded(client):
    load_source(OFFICIAL_TEXT_SAMPLE)

    text = words(page(client, "/declaration/"))

    assert "Official texts loaded into the tracker" in text
    assert "SAMPLE (invented test data)" in text


def test_a_japanese_reader_reads_the_official_texts_list_in_japanese_punctuation(client):
    load_source(OFFICIAL_TEXT_SAMPLE_JA)

    text = words(page(client, "/declaration/", "ja"))

    assert "サンプル（テスト用の架空データ）" in text
    # Kind, language, publisher and date in Japanese, set off as Japanese sets them off.
    assert "（正文、日本語。サンプル発行者（テスト用データ）、2025年8月29日）" in text


# --------------------------------------------------------------------------- the API


def test_the_api_names_each_commitments_source_and_official_clauses():
    load_source(OFFICIAL_TEXT_SAMPLE)
    load_source(OFFICIAL_TEXT_SAMPLE_JA)
    client = api_client(viewer())

    body = client.get(url("commitments", "MAR-01")).json()
    source = body["source"]
    assert source["kind"] == "unofficial_summary"
    assert source["kind_label"] == "Unofficial summary"
    assert (source["title"], source["publisher"], source["language"]) == (
        SUMMARY_TITLE,
        "G Plus Times",
        "en",
    )
    assert source["published"] is None and "29–30 August 2025" in source["published_note"]
    clauses = body["official_clauses"]
    assert [c["document"]["language"] for c in clauses] == ["en", "ja"]
    assert clauses[0]["paragraph"] == "6(a)"
    assert clauses[0]["document"]["kind"] == "official_text"

    japanese = client.get(url("commitments", "MAR-01"), HTTP_ACCEPT_LANGUAGE="ja").json()
    assert [c["document"]["language"] for c in japanese["official_clauses"]] == ["ja", "en"]
    assert japanese["source"]["kind_label"] == "非公式の要約"

    listed = client.get(url("commitments"), {"page_size": 100}).json()["results"]
    by_code = {row["code"]: row for row in listed}
    assert by_code["MAR-02"]["official_clauses"] == []
    assert by_code["MAR-02"]["source"]["kind"] == "unofficial_summary"


def test_the_declaration_endpoint_gives_its_metadata_and_sources():
    client = api_client(viewer())

    body = client.get(url("declaration")).json()
    assert body["title"] == Declaration.objects.get().title
    assert (body["date"], body["place"]) == ("2025-08-29", "Tokyo")
    assert body["text_source"]["kind"] == "unofficial_summary"
    assert [s["kind"] for s in body["sources"]] == ["unofficial_summary"]

    load_source(OFFICIAL_TEXT_SAMPLE)
    body = client.get(url("declaration")).json()
    assert [s["kind"] for s in body["sources"]] == ["unofficial_summary", "official_text"]
    assert body["sources"][1]["published"] == "2025-08-29"


def test_the_declaration_endpoint_needs_a_reader():
    assert api_client().get(url("declaration")).status_code in (401, 403)
