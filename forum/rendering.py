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
    "td": {"style"},
    "th": {"style"},
}


def render_markdown(text: str) -> str:
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
        link_rel="nofollow noopener noreferrer ugc",
    )
