"""Comments' simple Markdown as safe HTML: Markdown without its raw HTML, then sanitised again
(nh3: a fixed set of tags, links only to http, https and mailto)."""

import functools

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "code", "pre", "blockquote"}


@functools.cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).disable(["image", "heading", "lheading"])


def markdown_html(text: str) -> SafeString:
    """`text` rendered: emphasis, lists, links, code, quotes; nothing else survives."""
    html = _parser().render(text or "")
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308  # nosec B308 B703 - sanitised by nh3 just above
