"""The glossary holds the Japanese: docs/glossary.md is the one list of terms, and every
Japanese string of the catalogues keeps to it (no variant it lists under "Not these"), never
addresses the reader as 貴国 or あなた, and uses full-width punctuation next to Japanese."""

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
GLOSSARY = ROOT / "docs" / "glossary.md"
LOCALE = ROOT / "locale" / "ja" / "LC_MESSAGES"
CATALOGUES = [LOCALE / "django.po", LOCALE / "djangojs.po"]

HEADER = "| English | 日本語 | Not these |"
NEVER = ("貴国", "あなた")
# Hiragana, katakana, CJK ideographs, CJK punctuation and the full-width forms.
JAPANESE = r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
HALF_WIDTH = re.compile(rf"{JAPANESE} ?[:;()]|[:;()] ?{JAPANESE}")
# What is code, not Japanese text: placeholders, URLs and HTML tags.
CODE = re.compile(r"%\(\w+\)[sd]|%[sd%]|\{\w*\}|https?://[\x21-\x7e]+|<[^<>]+>")
# A side's name in a placeholder: 「%(side)s側」 reads 日本側 or インド側.
SIDE_NAME = re.compile(r"%\((?:side|origin|other|lead|who)\)s(?=側)")


@dataclass(frozen=True)
class Row:
    english: str
    terms: tuple[str, ...]
    not_these: tuple[str, ...]


def glossary(text: str) -> list[Row]:
    """The rows of every "English | 日本語 | Not these" table of the glossary."""
    rows, in_table = [], False
    for line in text.splitlines():
        if line.strip() == HEADER:
            in_table = True
            continue
        if not in_table or not line.startswith("|"):
            in_table = False
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if set(cells[0]) <= {"-", " "}:
            continue
        assert len(cells) == 3, f"a glossary row has three cells: {line}"
        english, japanese, avoided = cells
        terms = tuple(t.strip() for t in re.split("[／；]", japanese) if t.strip())
        not_these = tuple(t.strip() for t in avoided.split("、") if t.strip())
        rows.append(Row(english, terms, not_these))
    return rows


def unquote(part: str) -> str:
    return ast.literal_eval(part.strip())


def translations(text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of a PO file, each msgstr[n] of a plural on its own, the header left out."""
    found, field, current = [], None, {}

    def close():
        msgid = current.get("msgid", "")
        for key, value in current.items():
            if key.startswith("msgstr") and msgid:
                found.append((msgid, value))

    for line in text.splitlines():
        keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line)
        if keyword:
            field, value = keyword.group(1), unquote(keyword.group(2))
            if field in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in current):
                close()
                current = {}
            current[field] = value
        elif line.startswith('"') and field is not None:
            current[field] += unquote(line)
        else:
            field = None
    close()
    return found


def problems(msgstr: str, rows: list[Row]) -> list[str]:
    """What is wrong with one Japanese string, by the glossary's rows."""
    found = [f"uses {word}" for word in NEVER if word in msgstr]
    text = CODE.sub("\0", SIDE_NAME.sub("日本", msgstr))
    for match in HALF_WIDTH.finditer(text):
        found.append(f"half-width punctuation next to Japanese: “{match.group()}”")
    if "。 " in text:
        found.append("a space after 。")
    terms = [term for row in rows for term in row.terms]
    for row in rows:
        for avoided in (word for word in row.not_these if word not in NEVER):
            # Allowed only inside a listed term that contains it (日本側 for 側).
            rest = text
            for term in sorted((t for t in terms if avoided in t), key=len, reverse=True):
                rest = rest.replace(term, "\0")
            if avoided in rest:
                found.append(f"uses {avoided} (glossary: {'／'.join(row.terms)})")
    return found


def catalogue_problems(text: str, rows: list[Row]) -> list[str]:
    return [
        f"{msgid!r} → {msgstr!r}: {problem}"
        for msgid, msgstr in translations(text)
        for problem in problems(msgstr, rows)
    ]


@pytest.fixture(scope="module")
def rows():
    return glossary(GLOSSARY.read_text(encoding="utf-8"))


# --- the glossary itself ----------------------------------------------------------------------


def test_the_glossary_lists_the_decided_terms(rows):
    terms = {term for row in rows for term in row.terms}
    for decided in (
        "日本国とインドとの間の安全保障協力に関する共同宣言",
        "日印共同宣言トラッカー",
        "取扱区分",
        "公開可",
        "日印限り",
        "インド政府限り",
        "日本政府限り",
        "閲覧範囲外",
        "首脳会談向け進捗報告",
        "別添",
        "該当箇所",
        "日本時間",
        "インド標準時",
        "国家安全保障局長",
        "軍・自衛隊",
        "海上保安機関",
        "日米豪印（クアッド）",
    ):
        assert decided in terms, decided


def test_no_term_is_also_a_word_to_avoid(rows):
    terms = {term for row in rows for term in row.terms}
    avoided = {word for row in rows for word in row.not_these}
    assert terms & avoided == set()
    assert {"開示区分", "保留", "側", "貴国", "あなた"} <= avoided


# --- the catalogues ---------------------------------------------------------------------------


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.name)
def test_the_catalogue_keeps_to_the_glossary(catalogue, rows):
    text = catalogue.read_text(encoding="utf-8")
    assert len(translations(text)) > 5
    assert catalogue_problems(text, rows) == []


# --- the checker, on samples ------------------------------------------------------------------

SAMPLE = r"""
msgid ""
msgstr ""
"Language: ja\n"

msgid "Marking"
msgstr "取扱区分"

#, python-format
msgid "%(side)s's context"
msgstr "%(side)s側の背景情報"

msgid "Read the guide at https://example.org/a(b): it says so."
msgstr "https://example.org/a(b)の案内を参照してください：TLP:CLEAR（公開可）。"

#, python-format
msgid "Pillar: %(pillar)s"
msgstr "柱：%(pillar)s"

msgid "The Quad and the tracker"
msgstr "日米豪印（クアッド）と日印共同宣言トラッカー"

msgid "%(counter)s item"
msgid_plural "%(counter)s items"
msgstr[0] "%(counter)s件"
"""

PLANTED = {
    "Release marking": "開示区分",
    "Withheld": "保留",
    "Note not shared with your government.": "メモは貴国政府に共有されていません。",
    "Awaiting your confirmation": "あなたの確認待ち",
    "Reporting for": "報告する側",
    "Lead side: %(side)s": "主導する側: %(side)s",
    "Example (e.g.)": "例(MAR-01)",
    "Summit report": "サミット進捗報告",
    "The Quad": "クアッド",
    "Tracker": "日印トラッカー",
    "Done. Next": "完了しました。 次へ",
    "Plural %(n)s": "複数の開示区分",
}


def po(entries: dict[str, str]) -> str:
    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    return "".join(
        f"\nmsgid {quoted(msgid)}\nmsgstr {quoted(msgstr)}\n" for msgid, msgstr in entries.items()
    )


def test_the_checker_passes_what_keeps_to_the_glossary(rows):
    assert len(translations(SAMPLE)) == 6
    assert catalogue_problems(SAMPLE, rows) == []


@pytest.mark.parametrize("msgid", PLANTED)
def test_the_checker_refuses_each_planted_entry(msgid, rows):
    found = catalogue_problems(SAMPLE + po({msgid: PLANTED[msgid]}), rows)

    assert found, PLANTED[msgid]
    assert all(problem.startswith(repr(msgid)) for problem in found)


def test_the_checker_names_the_right_term(rows):
    found = catalogue_problems(po({"Marking": "開示区分"}), rows)

    assert found == ["'Marking' → '開示区分': uses 開示区分 (glossary: 取扱区分)"]


def test_a_bad_entry_planted_in_the_real_catalogue_fails(rows, tmp_path):
    planted = tmp_path / "django.po"
    text = CATALOGUES[0].read_text(encoding="utf-8")
    planted.write_text(text + po({"A planted entry": "貴国の開示区分(公開)"}), encoding="utf-8")

    found = catalogue_problems(planted.read_text(encoding="utf-8"), rows)

    assert [problem.split(": ", 1)[1] for problem in found] == [
        "uses 貴国",
        "half-width punctuation next to Japanese: “分(”",
        "half-width punctuation next to Japanese: “開)”",
        "uses 開示区分 (glossary: 取扱区分)",
    ]
    assert all(problem.startswith("'A planted entry'") for problem in found)
