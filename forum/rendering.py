"""Markdown to safe HTML: markdown-it-py without raw HTML, then nh3 as the last word.

Mentions: `@` and a member's display name without its spaces ("@AnaPérez" for "Ana Pérez"), compared
as forum.text compares names (case, accents and punctuation aside: "@anaperez" and "@Ana_Perez" too).
Only Markdown text counts: code spans, code blocks, link texts and image descriptions stay plain. A
mention of a member becomes a link to their profile; names are looked up in one query per text.
"""
from __future__ import annotations

import re
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
    "a": {"href", "title", "class"},
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
    if element == "a" and attribute == "class":
        return value if value == MENTION_CLASS else None
    if element == "img" and attribute == "src":
        # The last word on images, whatever produced the markup: only this site's, with no query.
        return value if is_inert_image_source(value) else None
    if element in ("td", "th") and attribute == "class":
        return value if value in _ALIGN_CLASSES else None
    if element == "code" and attribute == "class":
        return value if value.startswith("language-") else None
    return value


# `@`, not after a letter, digit or `@` (an email address is no mention), then a name's characters:
# one bounded character class, no nested quantifiers (linear). Combining accents count (decomposed text).
_MENTION = re.compile(r"(?<![\w@])@([\w\u0300-\u036f][\w\u0300-\u036f.'\u2019-]{0,79})")
_MENTION_TRAILING = ".'\u2019-_"   # "thanks @Ana." mentions Ana
MAX_MENTIONS = 20                  # names read per text; the rest stay plain
MENTION_CLASS = "mention"


def mention_key(name: str) -> str:
    """How a name compares in a mention: forum.text's name key (what tells members' names apart)
    without its spaces."""
    from .text import _name_key

    return _name_key(name, False).replace(" ", "")


def _mention_tokens(children: list[Token]) -> list[Token]:
    """The text tokens outside links (code spans are tokens of their own; images keep their alt text)."""
    found, in_link = [], 0
    for token in children:
        in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
        if token.type == "text" and not in_link and "@" in token.content:
            found.append(token)
    return found


def _names_in(tokens: list[Token]) -> list[str]:
    names: list[str] = []
    for token in tokens:
        for match in _MENTION.finditer(token.content):
            name = match.group(1).rstrip(_MENTION_TRAILING)
            if name and name not in names:
                names.append(name)
                if len(names) >= MAX_MENTIONS:
                    return names
    return names


def _inline_text_tokens(tokens: list[Token]) -> list[Token]:
    return [t for token in tokens if token.type == "inline" and token.children
            for t in _mention_tokens(token.children)]


def mentioned_names(text: str) -> list[str]:
    """The names after `@` in Markdown text (at most MAX_MENTIONS, first ones first), as written."""
    return _names_in(_inline_text_tokens(_markdown.parse(text)))


def members_by_mention(names: list[str]) -> dict[str, tuple[int, str]]:
    """mention_key -> (member id, display name) for the names that name exactly one member who is not
    suspended (two members whose names compare the same without spaces: neither is mentioned).

    One query (every member's name not suspended: mentions compare as names do, which SQL cannot), and
    none for a text without `@name`."""
    keys = {mention_key(name) for name in names} - {""}
    if not keys or not has_app_context():
        return {}
    from .extensions import db
    from .models import User

    matches: dict[str, list[tuple[int, str]]] = {}
    with db.session.no_autoflush:  # a post being written is not flushed half-made
        rows = db.session.execute(db.select(User.id, User.display_name).where(User.suspended.is_(False)))
        for user_id, display_name in rows:
            key = mention_key(display_name)
            if key in keys:
                matches.setdefault(key, []).append((user_id, display_name))
    return {key: found[0] for key, found in matches.items() if len(found) == 1}


def _profile_path(user_id: int) -> str:
    """The profile's path without a request (the translation worker renders too)."""
    base = urlsplit(current_app.config.get("SERVER_BASE_URL") or "")
    return current_app.url_map.bind("", script_name=base.path or "/").build("people.profile", {"user_id": user_id})


def _link_mentions(token: Token, members: dict[str, tuple[int, str]], counted: list[int]) -> list[Token]:
    out: list[Token] = []
    text, start = token.content, 0
    for match in _MENTION.finditer(text):
        name = match.group(1).rstrip(_MENTION_TRAILING)
        member = members.get(mention_key(name)) if name else None
        if member is None or counted[0] >= MAX_MENTIONS:
            continue
        counted[0] += 1
        end = match.start(1) + len(name)
        if match.start() > start:
            out.append(Token("text", "", 0, content=text[start:match.start()]))
        out.extend([Token("link_open", "a", 1, attrs={"href": _profile_path(member[0]), "class": MENTION_CLASS}),
                    Token("text", "", 0, content=text[match.start():end]), Token("link_close", "a", -1)])
        start = end
    if not out:
        return [token]
    if start < len(text):
        out.append(Token("text", "", 0, content=text[start:]))
    return out


def _mentions_as_links(tokens: list[Token]) -> None:
    text_tokens = _inline_text_tokens(tokens)
    members = members_by_mention(_names_in(text_tokens)) if text_tokens else {}
    if not members:
        return
    counted, linkable = [0], {id(token) for token in text_tokens}
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = [piece for child in token.children
                              for piece in (_link_mentions(child, members, counted) if id(child) in linkable
                                            else [child])]


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
    _mentions_as_links(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
