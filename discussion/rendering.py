"""Comments' simple Markdown as safe HTML: Markdown without its raw HTML, then sanitised again
(nh3: a fixed set of tags, links only to http, https and mailto).

`@username` is a mention: shown in bold (`<strong class="mention">`), whoever it names — a
user or nobody, one who may read the comment or not — so the text shows nothing of who exists
or who was told. A mention in code (`` `@name` ``, a code block) or inside a word or an address
(`a@b.org`) is not one. `mentioned` reads the mentions the same way the page shows them."""

import functools
import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "code", "pre", "blockquote"}
# A username after `@`: letters, digits and `_`, with `.`, `+` and `-` inside (as Django's
# usernames allow), so a mention at the end of a sentence ("thanks @asha.") ends at the word.
NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.+-]*[A-Za-z0-9_])?")
# What may not come just before a mention's `@` (an address, a path, another mention).
NOT_BEFORE = re.compile(r"[A-Za-z0-9_.+\-/@]")
MAX_MENTIONS = 20  # names read from one comment; more are shown but notify nobody


def _mention(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "@" or (pos > 0 and NOT_BEFORE.match(state.src[pos - 1])):
        return False
    name = NAME.match(state.src, pos + 1, state.posMax)
    if name is None:
        return False
    if not silent:
        token = state.push("mention", "strong", 0)
        token.meta = {"username": name.group(0)}
    state.pos = name.end()
    return True


def _mention_html(self, tokens, index, options, env) -> str:
    return f'<strong class="mention">@{escape(tokens[index].meta["username"])}</strong>'


@functools.cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False}).disable(["image", "heading", "lheading"])
    parser.inline.ruler.before("emphasis", "mention", _mention)
    parser.add_render_rule("mention", _mention_html)
    return parser


def markdown_html(text: str) -> SafeString:
    """`text` rendered: emphasis, lists, links, code, quotes, mentions; nothing else survives."""
    html = _parser().render(text or "")
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href"}},
        allowed_classes={"strong": {"mention"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308  # nosec B308 B703 - sanitised by nh3 just above


def mentioned(text: str) -> list[str]:
    """The usernames `text` mentions, in order, each once (at most `MAX_MENTIONS`)."""
    names: dict[str, None] = {}
    for block in _parser().parse(text or ""):
        for token in block.children or ():
            if token.type == "mention":
                names.setdefault(token.meta["username"], None)
    return list(names)[:MAX_MENTIONS]
