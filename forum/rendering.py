"""Markdown to safe HTML: markdown-it-py without raw HTML, then nh3 as the last word."""
from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from flask import current_app, has_app_context
from markdown_it import MarkdownIt
from markdown_it.token import Token

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


_URL_IGNORED = str.maketrans("", "", "\t\n\r")
_URL_TRIMMED = "".join(map(chr, range(0x21)))


def _site_origin() -> tuple[str, str] | None:
    if not has_app_context():
        return None
    parts = urlsplit(current_app.config.get("SERVER_BASE_URL") or "")
    return (parts.scheme.lower(), parts.netloc.lower()) if parts.netloc else None


def is_same_site(url: str) -> bool:
    """A path on this site (or this site's SERVER_BASE_URL): an image there tells no one else who reads.
    "//host/x" and "/\\host/x" name another host in browsers, whatever the missing scheme says; browsers
    also drop tabs and line breaks anywhere and spaces and controls around a URL, so this does first."""
    url = url.translate(_URL_IGNORED).strip(_URL_TRIMMED)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return (parts.scheme.lower(), parts.netloc.lower()) == _site_origin() if parts.netloc else False
    return not url.startswith(("//", "\\", "/\\"))


def is_inert_image_source(url: str) -> bool:
    """Whether a browser may fetch `url` for an image in a post, for every reader, unasked: only a plain
    path on this site. A query string or a fragment makes it a request of the post's author's choosing
    ("/?lang=pt" would switch each reader's interface language), and it becomes a link like a remote one."""
    return is_same_site(url) and "?" not in url and "#" not in url


def _remote_images_as_links(children: list[Token], in_link: int = 0) -> list[Token]:
    """An image from another host would report every reader (address, time, page) to that host: it
    becomes a link to the image, labelled with its alt text (or the URL). Images on this site stay,
    unless their URL has a query or a fragment (see is_inert_image_source); so do data: images, which
    nh3 below leaves without a src (data: is no allowed scheme)."""
    out: list[Token] = []
    for token in children:
        in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
        src = str(token.attrs.get("src", "")) if token.type == "image" else ""
        if token.type != "image" or is_inert_image_source(src) or src.lower().startswith("data:"):
            out.append(token)
            continue
        label = (_remote_images_as_links(token.children, in_link + 1) if token.content.strip()
                 else [Token("text", "", 0, content=src)])
        if in_link:  # already inside a link: its text is enough (links cannot nest)
            out.extend(label)
            continue
        link = Token("link_open", "a", 1, attrs={"href": src})
        if token.attrs.get("title"):
            link.attrs["title"] = token.attrs["title"]
        out.extend([link, *label, Token("link_close", "a", -1)])
    return out


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        # The last word on images, whatever produced the markup: only this site's, with no query.
        return value if is_inert_image_source(value) else None
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
        if token.type == "inline" and token.children:
            token.children = _remote_images_as_links(token.children)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
