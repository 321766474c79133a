"""The data file's Japanese and the pages that show it: titles in noun form without the
strength of language, descriptions and the tracker's context in Japanese (labelled 非公式訳),
the ministries' own terms, the declaration's heading in the reader's language, and a reload that
brings existing rows up to the file."""

import html as markup
import re

import pytest
from django.urls import reverse

from access.choices import Side
from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, Declaration
from declaration.loading import declaration_load
from dialogues.models import DialogueMechanism
from tests.factories import analyst, commitment, viewer

pytestmark = pytest.mark.usefixtures("loaded")

# The strength of language has its own column; a title does not repeat it, nor end in a verb.
STRENGTH_WORDS = ("意図を有する", "を計画する", "を奨励する", "を検討する", "を誓約", "する")
# Variants the ministries do not write, and what they write instead.
WRONG_TERMS = {
    "三軍": "陸海空の統合演習",
    "軍種間": "部隊間",
    "統合参謀": "統合幕僚監部",
    "沿岸警備機関": "海上保安機関",
    "沿岸警備艇": "巡視船艇",
    "国家安全保障担当補佐官": "国家安全保障局長",
    "海軍艦艇": "艦艇",
    "宇宙ごみ": "スペースデブリ",
    "強靭": "強靱",
    "精錬": "製錬",
    "貴国": "日本側／インド側",
}


def text(response) -> str:
    return " ".join(markup.unescape(response.content.decode()).split())


def test_every_title_is_a_noun_phrase_without_the_strength_of_language(declaration_data):
    for item in declaration_data["commitments"]:
        title = item["title_ja"]
        assert not title.endswith(STRENGTH_WORDS), f"{item['code']}: {title}"
        assert not title.endswith(("る", "う", "す")), f"{item['code']}: {title}"
    titles = {i["code"]: i["title_ja"] for i in declaration_data["commitments"]}
    assert titles["MAR-05"] == "ReCAAP等を通じた海賊対策での連携"
    assert titles["MUL-07"] == "日米豪印（クアッド）における協力の強化"


def test_descriptions_and_context_have_japanese_in_the_ministries_terms(declaration_data):
    rows = [*declaration_data["commitments"], *declaration_data["dialogue_mechanisms"]]
    for item in rows:
        label = item.get("code") or item["slug"]
        assert item.get("description_ja"), label
        if item.get("context"):
            assert item.get("context_ja"), label
        japanese = " ".join(
            str(item.get(k, "")) for k in ("title_ja", "name_ja", "description_ja", "context_ja")
        )
        for wrong, right in WRONG_TERMS.items():
            assert wrong not in japanese, f"{label}: {wrong} (write {right})"
        # Full-width punctuation inside Japanese.
        assert not re.search(r"[ぁ-んァ-ヶ一-龠][(),:;]|[(),:;][ぁ-んァ-ヶ一-龠]", japanese), label
    names = {o["slug"]: o["name_ja"] for o in declaration_data["organisations"]}
    assert names["in-mea"] == "インド外務省" and names["jp-mofa"] == "外務省"
    assert names["in-mha"] == "インド内務省"
    assert names["jp-atla"] == "防衛装備庁" and names["jp-js"] == "統合幕僚監部"


def test_a_reload_brings_existing_rows_up_to_the_files_japanese(declaration_data):
    # As a database loaded before the Japanese was written: old titles, no context_ja, and the
    # last load's record without the new fields.
    row = commitment("MAR-05")
    old = "ReCAAPなどの枠組みを通じ、海賊対策で連携する意図を有する"
    loaded_values = {**row.loaded_values, "title_ja": old}
    loaded_values.pop("context_ja", None)
    Commitment.objects.filter(pk=row.pk).update(
        title_ja=old, context_ja="", loaded_values=loaded_values
    )
    mechanism = DialogueMechanism.objects.get(slug="nsa-consultations")
    mechanism_loaded = {
        k: v for k, v in mechanism.loaded_values.items() if k not in ("description_ja", "name_ja")
    }
    DialogueMechanism.objects.filter(pk=mechanism.pk).update(
        description_ja="", name_ja="", loaded_values=mechanism_loaded
    )
    Declaration.objects.update(place_ja="", occasion_ja="")

    report = declaration_load(data=declaration_data)

    row = commitment("MAR-05")
    assert row.title_ja == "ReCAAP等を通じた海賊対策での連携"
    assert row.context_ja.startswith("ReCAAPは、アジア海賊対策地域協力協定")
    assert not [line for line in report.kept if "MAR-05" in line]
    mechanism = DialogueMechanism.objects.get(slug="nsa-consultations")
    assert mechanism.name_ja == "日印国家安全保障局長・国家安全保障顧問間協議"
    assert mechanism.description_ja
    assert Declaration.objects.get().place_ja == "東京"


def test_a_context_someone_wrote_in_japanese_is_kept_on_reload(declaration_data):
    row = commitment("MAR-05")
    loaded_values = dict(row.loaded_values)
    loaded_values.pop("context_ja", None)
    Commitment.objects.filter(pk=row.pk).update(
        context_ja="利用者が書いた背景情報", loaded_values=loaded_values
    )

    report = declaration_load(data=declaration_data)

    assert commitment("MAR-05").context_ja == "利用者が書いた背景情報"
    assert any("MAR-05 context_ja" in line for line in report.kept)


def test_japanese_readers_read_the_description_and_context_labelled_unofficial(client):
    client.force_login(viewer(side=Side.JAPAN, language="ja", username="jp-viewer"))
    japanese = text(client.get(reverse("commitment-detail", args=["MAR-05"])))
    client.force_login(viewer(side=Side.INDIA, language="en", username="in-viewer"))
    english = text(client.get(reverse("commitment-detail", args=["MAR-05"])))

    assert re.search(
        r"<h1>MAR-05 · ReCAAP等を通じた海賊対策での連携 <small[^>]*>非公式訳", japanese
    )
    assert "ReCAAPは、アジア海賊対策地域協力協定" in japanese
    assert "日印両国は、アジア海賊対策地域協力協定（ReCAAP）など" in japanese
    assert japanese.count("非公式訳") >= 3
    assert "ReCAAP is the Regional Cooperation Agreement" not in japanese
    assert "ReCAAP is the Regional Cooperation Agreement" in english
    assert "非公式訳" not in english and "Unofficial translation" not in english


def test_a_mechanisms_description_and_context_in_japanese(client):
    client.force_login(viewer(side=Side.JAPAN, language="ja", username="jp-viewer"))
    page = text(client.get(reverse("dialogue-detail", args=["coast-guard-commandant-meetings"])))

    assert "日印海上保安機関長官級会合" in page
    assert "インド沿岸警備隊と海上保安庁は2006年に協力覚書を締結し" in page
    assert "signed a memorandum of cooperation" not in page


def test_the_declarations_heading_in_the_readers_language(client):
    client.force_login(viewer(side=Side.JAPAN, language="ja", username="jp-viewer"))
    japanese = client.get(reverse("declaration")).content.decode()
    client.force_login(viewer(side=Side.INDIA, language="en", username="in-viewer"))
    english = client.get(reverse("declaration")).content.decode()

    assert "<h1>日本国とインドとの間の安全保障協力に関する共同宣言</h1>" in japanese
    assert "2025年8月29日、東京にて採択" in japanese
    assert "第15回日印年次首脳会談" in japanese
    assert "15th Annual" not in japanese.split("<section")[0]
    assert "India–Japan Joint Declaration on Security Cooperation</h1>" in english
    assert "Adopted in Tokyo on 29 Aug 2025" in english
    assert "15th Annual India–Japan Summit" in english


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_side_that_has_not_reported_is_never_said_to_report_a_status(client, language):
    # MAR-05 in the demo: India reports it completed; Japan has not reported.
    author = analyst("maritime", side=Side.INDIA, username="mar05-in")
    services.status_update_create(
        commitment=commitment("MAR-05"),
        author=author,
        status=Status.COMPLETED,
        note="Counter-piracy coordination arrangement in place.",
        expected_version=None,
    )
    client.force_login(viewer(side=Side.JAPAN, language=language, username="mar05-reader"))

    response = client.get(reverse("commitment-detail", args=["MAR-05"]))
    page = text(response)
    html = markup.unescape(response.content.decode())
    banner = re.search(r'id="awaiting">(.*?)</p>', html, re.S).group(1)

    if language == "ja":
        assert "まだ報告していません" in banner
        assert "未着手" not in banner and "未着手と報告" not in page
        assert "まだ報告がありません" in page
    else:
        assert "Japan has not reported yet." in banner
        assert "Not started" not in banner
        assert "Not reported yet." in page


def test_the_commitment_page_sets_its_labels_off_with_japanese_punctuation(client):
    """Composed in the template, not only in the catalogue: 「インド：…」, 「…の確認待ち：…」,
    never a half-width colon after Japanese."""
    client.force_login(analyst("maritime", side="japan", language="ja", username="punct-ja"))
    page = client.get("/commitments/MAR-01/").content.decode()
    text = re.sub(r"<[^>]+>", "", page)

    assert re.search(r"インド：", text)
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]: ", text), re.findall(
        r".{12}[\u3040-\u30ff\u4e00-\u9fff]: .{12}", text
    )
