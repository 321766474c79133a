"""Japanese and English: the whole interface in both, the catalogues complete, the language
chosen as users expect, content in both languages, the API following Accept-Language."""

import datetime
import gettext
import html
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, Organisation, User
from dialogues import services as dialogue_services
from dialogues.choices import MeetingState
from dialogues.models import DialogueMechanism
from notifications import emails
from notifications import selectors as reminder_selectors
from notifications import services as reminder_services
from tests.api_base import api_client, url
from tests.factories import analyst, chief, commitment, days, manager
from tests.test_access_matrix import concrete, routes

pytestmark = pytest.mark.usefixtures("loaded")

LOCALE = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES"
MAKEMESSAGES = (sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-location")


def msgids(path: Path) -> set[str]:
    """The msgids of a PO file, each whole however the file wraps it over lines."""
    found, current = set(), None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = [line[len("msgid ") :]]
        elif current is not None and line.startswith('"'):
            current.append(line)
        elif current is not None:
            found.add("".join(part.strip()[1:-1] for part in current))
            current = None
    return found - {""}


CATALOGUES = [LOCALE / "django.po", LOCALE / "djangojs.po"]


# --- the catalogues ---------------------------------------------------------------------------


def msgfmt() -> str:
    found = shutil.which("msgfmt")
    assert found, "msgfmt (Debian's gettext) is missing: `make test` installs it"
    return found


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.name)
def test_each_catalogue_is_complete_with_nothing_untranslated_or_fuzzy(catalogue, tmp_path):
    done = subprocess.run(  # noqa: S603
        [msgfmt(), "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    statistics = done.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics
    # The compiled catalogue Django serves (committed beside it) says what the PO file says.
    fresh = Path(tmp_path) / "fresh.mo"
    subprocess.run([msgfmt(), "-o", str(fresh), str(catalogue)], check=True)  # noqa: S603
    with fresh.open("rb") as compiled, catalogue.with_suffix(".mo").open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(compiled)._catalog
        ), "run `make messages`: the compiled catalogue is behind its PO file"


def test_every_string_marked_for_translation_is_in_the_catalogue(tmp_path):
    """makemessages over a copy of the source finds nothing the committed catalogue lacks."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "tree"
    apps = (
        "access",
        "audit",
        "notifications",
        "commitments",
        "dialogues",
        "discussion",
        "webhooks",
        "reports",
        "calendar_feed",
        "dashboard",
    )
    for part in (*apps, "declaration", "markings", "declaration_tracker", "templates", "static/js"):
        shutil.copytree(root / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(root / "locale", copy / "locale")
    shutil.copy(root / "manage.py", copy / "manage.py")
    for domain in ("django", "djangojs"):
        done = subprocess.run(  # noqa: S603
            [*MAKEMESSAGES, "-d", domain],
            cwd=copy,
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": str(Path(msgfmt()).parent), "DJANGO_SETTINGS_MODULE": "tests.settings"}
            | {"PYTHONPATH": str(root)},
        )
        assert done.returncode == 0, done.stderr[-2000:]

        fresh = msgids(copy / "locale" / "ja" / "LC_MESSAGES" / f"{domain}.po")
        committed = msgids(LOCALE / f"{domain}.po")
        assert sorted(fresh - committed) == [], f"{domain}: run make messages and translate"


# --- every page in Japanese -------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The words a reader meets: text nodes and the attributes read out (titles, labels,
    placeholders, alternative text), leaving out scripts, styles and what is marked English
    (`lang="en"`: the declaration's words, the tracker's English content)."""

    SKIPPED = {"script", "style", "template"}
    READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "area", "base", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.words: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        skip = tag in self.SKIPPED or attributes.get("lang", "").startswith("en")
        if not self.skipping and not skip:
            self.words += [attributes[a] for a in self.READ_ATTRIBUTES if attributes.get(a)]
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _skip = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.words.append(data)


# Words that are the same in both languages: codes, names, abbreviations, the product names.
ALLOWED = re.compile(
    r"^(?:[A-Z]{2,}[-A-Za-z0-9&]*|[A-Z]{3}-\d+|UTC|Excel|Word|PowerPoint|WebP|CSV|TLP:[A-Z+]+|ReCAAP|iDEX|DCyA|"
    r"MoD|MoM|MeitY|DoT|MoHFW|Keidanren|RIKEN|English|MP-IDSA|HQ|DST|DBT|DGFT|CERT-In)$"
)


def english_left(page: str, *, names: set[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(page)
    text = " ".join(html.unescape(word) for word in parser.words)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"https?://\S+|\S+@\S+|/[\w/.-]*", " ", text)
    found = []
    for word in re.findall(r"[A-Za-z][A-Za-z'&-]*[A-Za-z]|[A-Za-z]", text):
        if not ALLOWED.match(word) and len(word) > 1:
            found.append(word)
    return sorted(set(found))


@pytest.fixture
def japanese_world():
    """A Japanese analyst and manager, with a milestone, a status update, a meeting and an action
    item written in Japanese, so that any English left on a page is the interface's."""
    reader = analyst("maritime", "dialogue", side="japan", language="ja", username="kenji")
    boss = manager(side="japan", language="ja", username="hanako", is_staff=True)
    services.status_update_create(
        commitment=commitment("MAR-01"),
        author=reader,
        status=Status.ON_TRACK,
        note="寄港の計画に合意した。",
        expected_version=None,
    )
    milestone = services.milestone_create(
        commitment=commitment("MAR-01"), actor=reader, title="寄港日程の確定", due_date=days(5)
    )
    mechanism = DialogueMechanism.objects.get(slug="coast-guard-commandant-meetings")
    meeting = dialogue_services.meeting_create(
        mechanism=mechanism,
        actor=reader,
        date=days(-3),
        place="東京",
        state=MeetingState.HELD,
        outcome_summary="合同訓練に合意した。",
    )
    item = dialogue_services.action_item_create(
        meeting=meeting, actor=reader, title="訓練計画の作成", due_date=days(10), owner=reader
    )
    values = {
        "code": "MAR-01",
        "slug": {"pillars": "maritime", "organisations": "jp-jcg"},
        "mechanism": mechanism.slug,
        "milestone": milestone.pk,
        "meeting": meeting.pk,
        "action": item.pk,
        "audit": 1,
    }
    return reader, boss, values


def names_on_pages() -> set[str]:
    """Names that stay as they are in any language: people and organisations' acronyms."""
    names = {str(user) for user in User.objects.all()} | set(
        User.objects.values_list("username", flat=True)
    )
    names |= set(Organisation.objects.exclude(acronym="").values_list("acronym", flat=True))
    return {name for name in names if name}


@pytest.mark.parametrize("who", ["analyst", "manager"])
def test_every_page_shows_a_japanese_user_no_english_interface_string(client, japanese_world, who):
    reader, boss, values = japanese_world
    client.force_login(reader if who == "analyst" else boss)
    names = names_on_pages()
    pages = [
        concrete(route, values)
        for route in routes()
        if not route.startswith(("api/", "accounts/reset", "accounts/logout", "i18n/", "jsi18n/"))
    ]
    pages += ["/commitments/?sides_agree=false", "/commitments/?pillar=maritime"]
    left = {}
    for path in pages:
        response = client.get(path, follow=True)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = response.content.decode()
        assert '<html lang="ja"' in page, path
        english = english_left(page, names=names)
        if english:
            left[path] = english[:40]
        # django-allauth's own password-reset pages write 「メモ:」 from its template.
        half_width = [] if path.startswith("/accounts/password/reset") else punctuation_left(page)
        if half_width:
            left[path] = half_width[:10]
    assert left == {}, "\n".join(f"{p}: {w}" for p, w in left.items())


JAPANESE = r"[\u3040-\u30ff\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]"
HALF_WIDTH = re.compile(rf"{JAPANESE}[:;]|{JAPANESE} ?\(|\) ?{JAPANESE}|{JAPANESE}\)")


def punctuation_left(page: str) -> list[str]:
    """Half-width `:;()` beside Japanese in what a page shows (its text and read attributes,
    outside English content): the catalogue's are checked by tests/test_glossary.py, these are
    the ones a template composes around translated words."""
    parser = VisibleText()
    parser.feed(page)
    return sorted(
        {text.strip()[:60] for text in map(html.unescape, parser.words) if HALF_WIDTH.search(text)}
    )


def test_the_crawl_finds_half_width_punctuation_beside_japanese():
    page = (
        '<html lang="ja"><body><p>インド: 担当者</p><p>インド：担当者</p>'
        '<p lang="en">A: b</p></body></html>'
    )
    assert punctuation_left(page) == ["インド: 担当者"]


def test_the_crawl_finds_english_where_it_is_left():
    """The check can fail: a page with an untranslated word is caught, a marked one is not."""
    page = (
        '<html lang="ja"><body><p>コミットメント</p><button>Save</button>'
        '<blockquote lang="en">The two countries reaffirmed</blockquote></body></html>'
    )
    assert english_left(page, names=set()) == ["Save"]


# --- choosing the language --------------------------------------------------------------------


def test_the_saved_language_beats_the_browsers_which_beats_english(client):
    user = analyst("maritime", side="japan")
    client.force_login(user)

    assert '<html lang="en"' in client.get("/").content.decode()
    assert '<html lang="ja"' in client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    User.objects.filter(pk=user.pk).update(language="ja")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ja"' in page
    assert "実施状況ダッシュボード" in page


def test_the_switcher_names_each_language_in_itself(client):
    """「English」 and 「日本語」 on every page, whichever language the page is in (the
    switcher is for someone who may not read the page's language)."""
    client.force_login(analyst("maritime", side="japan", language="ja"))
    japanese = client.get("/").content.decode()
    client.force_login(analyst("maritime", side="india", language="en", username="switch-en"))
    english = client.get("/").content.decode()

    for page in (japanese, english):
        options = re.findall(r'<option value="(en|ja)" lang="\1"[^>]*>([^<]*)</option>', page)
        assert options == [("en", "English"), ("ja", "日本語")]


def test_the_switcher_posts_to_set_language_and_saves_a_signed_in_users_choice(client):
    user = analyst("maritime")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="language"' in page

    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/commitments/"})

    assert response.status_code == 302 and response["Location"] == "/commitments/"
    user.refresh_from_db()
    assert user.language == "ja"
    assert '<html lang="ja"' in client.get("/commitments/").content.decode()
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "ja"  # an unknown language changes nothing


def test_dates_follow_the_language(client):
    reader = analyst("maritime", side="japan", language="ja")
    services.status_update_create(
        commitment=commitment("MAR-02"),
        author=reader,
        status=Status.AT_RISK,
        note="遅れ",
        expected_version=None,
    )
    Commitment.objects.filter(code="MAR-02").update(
        awaiting_since=datetime.datetime(2026, 12, 3, 4, 0, tzinfo=datetime.UTC)
    )
    client.force_login(reader)

    page = client.get("/commitments/MAR-02/").content.decode()

    assert "2026年12月3日からインドの確認待ち" in page
    User.objects.filter(pk=reader.pk).update(language="en")
    assert "Awaiting India's confirmation since 3 Dec 2026" in (
        client.get("/commitments/MAR-02/").content.decode()
    )


# --- content in two languages -----------------------------------------------------------------


def test_titles_and_names_are_shown_in_japanese_and_labelled_unofficial(client):
    client.force_login(analyst("maritime", side="japan", language="ja"))

    page = client.get("/commitments/MAR-01/").content.decode()

    assert "艦艇の寄港の増加" in page
    assert "非公式訳" in page
    assert "海洋安全保障" in page  # the pillar
    # The declaration's own words stay in English, marked so.
    assert 'lang="en">“increase port visits by' in page


def test_the_tracker_notes_in_the_trail_follow_the_readers_language(client):
    author = analyst("maritime", side="india")
    services.milestone_create(
        commitment=commitment("MAR-03"), actor=author, title="Liaison posted", due_date=days(9)
    )
    client.force_login(author)
    services.milestone_create(
        commitment=commitment("MAR-04"),
        actor=author,
        title="Data link",
        due_date=days(9),
        completed_on=days(0),
    )
    english = client.get("/commitments/MAR-04/").content.decode()
    User.objects.filter(pk=author.pk).update(language="ja")
    japanese = client.get("/commitments/MAR-04/").content.decode()

    assert "Progress 0% → 100%: milestone “Data link” added" in english
    assert "進捗0% → 100%：マイルストーン「Data link」を追加" in japanese
    stored = commitment("MAR-04").status_updates.get()
    assert (stored.message, stored.note) == (
        "milestone_added",
        "Progress 0% → 100%: milestone “Data link” added",
    )


# --- the API ----------------------------------------------------------------------------------


def test_the_api_follows_accept_language_and_offers_both(settings):
    client = api_client(analyst("maritime"))

    english = client.get(url("commitments", "MAR-01")).json()
    japanese = client.get(url("commitments", "MAR-01"), HTTP_ACCEPT_LANGUAGE="ja").json()

    assert (
        english["title"] == english["title_en"] == "Plan to increase port visits by naval vessels"
    )
    assert japanese["title"] == japanese["title_ja"] == "艦艇の寄港の増加"
    assert japanese["title_en"] == english["title"]
    assert (english["status_label"], japanese["status_label"]) == ("Not started", "未着手")
    assert japanese["pillar"]["name"] == "海洋安全保障"
    assert japanese["sides"]["india"]["status_label"] == "未着手"
    pillars = client.get(url("pillars"), HTTP_ACCEPT_LANGUAGE="ja").json()
    assert {p["slug"]: (p["name_en"], p["name_ja"]) for p in pillars}["maritime"] == (
        "Maritime security",
        "海洋安全保障",
    )
    error = client.get(url("commitments"), {"status": "sinking"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert error.status_code == 400
    assert "sinking" in error.json()["error"]["fields"]["status"][0]
    dashboard = client.get(url("dashboard"), HTTP_ACCEPT_LANGUAGE="ja").json()
    maritime = next(p for p in dashboard["pillars"] if p["slug"] == "maritime")
    assert maritime["name"] == "海洋安全保障"
    assert maritime["by_status"]["on_track"]["label"] == "順調"


def test_an_api_clients_accept_language_beats_the_saved_language_the_pages_keep_it(client):
    """docs/api.md: API responses follow Accept-Language, even for a signed-in user whose saved
    language is the other one; the pages keep the saved choice. Both ways round."""
    for saved, asked, other in (("ja", "en", "ja"), ("en", "ja", "en")):
        user = analyst("maritime", side="japan" if saved == "ja" else "india", language=saved)
        client.force_login(user)

        asked_for = client.get(url("commitments", "MAR-01"), HTTP_ACCEPT_LANGUAGE=asked)
        not_asked = client.get(url("commitments", "MAR-01"))
        unknown = client.get(url("commitments", "MAR-01"), HTTP_ACCEPT_LANGUAGE="fr, *;q=0.5")
        page = client.get("/", HTTP_ACCEPT_LANGUAGE=asked).content.decode()

        assert asked_for.json()["status_label"] == {"en": "Not started", "ja": "未着手"}[asked]
        assert asked_for["Content-Language"] == asked
        # Without a language the API can serve, the saved one answers.
        assert not_asked.json()["status_label"] == {"en": "Not started", "ja": "未着手"}[other]
        assert unknown["Content-Language"] == saved
        assert f'<html lang="{saved}"' in page
        client.logout()


def test_the_schema_says_responses_follow_accept_language():
    from tests.test_api_schema import SCHEMA_DOCUMENT

    commitment_fields = SCHEMA_DOCUMENT["components"]["schemas"]["Commitment"]["properties"]
    assert "Accept-Language" in commitment_fields["title"]["description"]
    assert {"title_en", "title_ja", "description_en", "description_ja"} <= set(commitment_fields)


# --- e-mails ----------------------------------------------------------------------------------


def test_each_digest_goes_out_in_its_recipients_language():
    kenji = chief(side="japan", language="ja", username="kenji", email="kenji@example.org")
    asha = chief(side="india", username="asha", email="asha@example.org")
    for owner in (kenji, asha):
        services.milestone_create(
            commitment=commitment("MAR-05"),
            actor=owner,
            title=f"Step of {owner.username}",
            due_date=datetime.date(2026, 3, 9),
            owner=owner,
        )
    now = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)
    reminder_services.reminders_claim(reminder_selectors.reminders_due(now), now=now)
    messages = {}
    for digest in kenji.digests.all() | asha.digests.all():
        message = emails.digest_render(digest, list(digest.reminders.all()))
        messages[digest.recipient.username] = message

    assert "kenji 様" in messages["kenji"].body or "様" in messages["kenji"].body
    assert "期限2026年3月9日、あと7日" in messages["kenji"].body
    assert "日印共同宣言トラッカー" in messages["kenji"].subject
    assert "due 9 Mar 2026, in 7 days" in messages["asha"].body
    assert messages["asha"].subject.startswith("India–Japan tracker")
    html_part = messages["kenji"].alternatives[0][0]
    assert '<html lang="ja">' in html_part
    assert translation.get_language() == "en"  # the active language is left as it was
    assert mail.outbox == []


def test_the_javascript_catalogue_serves_the_charts_words_in_japanese(client):
    client.force_login(analyst("maritime", language="ja"))

    script = client.get(reverse("javascript-catalog")).content.decode("utf-8")

    # Django writes the catalogue as JSON, non-ASCII escaped.
    assert json.dumps("柱別のステータス構成")[1:-1] in script


def test_the_calendar_feed_speaks_its_subscribers_language():
    from calendar_feed.feed import calendar_feed_build

    reader = analyst("maritime", side="japan", language="ja")
    services.milestone_create(
        commitment=commitment("MAR-01"), actor=reader, title="寄港日程の確定", due_date=days(5)
    )

    feed = calendar_feed_build(user=reader, today=days(0)).decode()

    unfolded = feed.replace("\r\n ", "")
    assert "柱：海洋安全保障" in unfolded
    assert "艦艇の寄港の増加" in unfolded
    assert "日印共同宣言トラッカー" in unfolded
    english = calendar_feed_build(user=analyst("maritime"), today=days(0)).decode()
    assert "Pillar: Maritime security" in english.replace("\r\n ", "")
