"""Markdown to safe HTML: markdown-it-py without raw HTML, then nh3 as the last word."""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# "js-default": CommonMark plus tables and strikethrough, raw HTML off.
_markdown = MarkdownIt("js-default", {"maxNesting": 20})

_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "ol": {"start"},
    "td": {"class"},
    "th": {"class"},
}
_ALIGN_CLASSES = {"align-left", "align-center", "align-right"}


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if element in ("td", "th") and attribute == "class":
        return value if value in _ALIGN_CLASSES else None
    if element == "code" and attribute == "class":
        return value if value.startswith("language-") else None
    return value


def render_markdown(text: str) -> str:
    tokens = _markdown.parse(text)
    for token in tokens:
        # Table alignment arrives as an inline style, which the CSP (style-src 'self') would
        # block: a class from our stylesheet says the same thing.
        if token.type in ("th_open", "td_open") and token.attrs.get("style", "").startswith("text-align:"):
            align = str(token.attrs.pop("style")).split(":", 1)[1].strip()
            token.attrs["class"] = f"align-{align}"
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
