"""Split Markdown (or plain text) into protected text and translatable runs, exactly.

The document becomes a list of parts: protected strings, copied byte for byte, and
``Span``s, the translatable runs. Concatenating the parts gives back the input exactly, so
an identity engine round-trips every document by construction, and a translating engine
can only change the text inside runs.

Granularity is one run per line (or table cell): forum posts are written in a textarea
with one paragraph per line, and a line never carries structure across its end.
Protected: fenced and indented code, HTML blocks, table pipes and alignment rows, list
markers and numbering, task boxes, heading and blockquote markers, thematic breaks,
link reference definitions; inside a line: inline code, autolinks, URLs, e-mail
addresses, link and image targets and brackets, @mentions, #hashtags, HTML entities and
tags, backslash escapes, numbers with their separators and emphasis markers (* _ ~).
Spans inside a sentence become placeholders so the engine still sees the whole sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence, Union

from translation.placeholders import Ph, Piece, Run


@dataclass(frozen=True)
class Span:
    """A translatable run before numbering: text pieces and protected pieces."""

    pieces: tuple[Piece, ...]


Part = Union[str, Span]

# --- block level -----------------------------------------------------------------------
_FENCE_OPEN = re.compile(r"^(?P<prefix>[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_BLANK = re.compile(r"^[ \t]*$")
_INDENTED = re.compile(r"^(?: {4}|\t)")
# CommonMark HTML blocks: raw/comment/processing/declaration/CDATA starts, block-level tag
# names, or a line holding nothing but one complete tag. "<b>Note</b>: text" is a paragraph.
_BLOCK_TAGS = ("address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|"
               "dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|"
               "hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|"
               "search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul|script|pre|style|textarea")
_HTML_BLOCK = re.compile(
    r"^ {0,3}(?:<!--|<\?|<![A-Za-z]|<!\[CDATA\[|</?(?:" + _BLOCK_TAGS + r")(?:[\s/>]|$)"
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>[ \t]*$)", re.I)
_THEMATIC_OR_SETEXT = re.compile(r"^[ \t>]*(?:(?:[-*_][ \t]*){3,}|=+[ \t]*|-+[ \t]*)$")
_LINK_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S.*$")
_TABLE_ALIGN = re.compile(r"^[ \t>]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_PREFIX = re.compile(
    r"^(?:[ \t]*>[ \t]?)*"                      # blockquote markers
    r"(?:[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))?"  # list marker / numbering
    r"(?:\[[ xX]\][ \t]+)?"                      # task box
    r"(?:[ \t]*#{1,6}(?:[ \t]+|$))?"             # heading marker
    r"[ \t]*"
)
_LIST_ITEM = re.compile(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_HEADING_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")

# --- inline level ----------------------------------------------------------------------
_URL_TAIL = r"[^\s<>]*[^\s<>.,;:!?'\")\]*_~]"
_INLINE_MARKDOWN = [
    r"\\[!-/:-@\[-`{-~]|\\$",                                       # backslash escape, hard break
    r"(?P<ticks>`+)(?:[^`]|(?!(?P=ticks))`+)*?(?P=ticks)(?!`)",      # code span
    r"`+",                                                            # unmatched backticks
    r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>",  # autolink
    r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>",          # inline HTML
    r"\]\((?:<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"          # ](target "title")
    r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*\)",
    r"\]\[[^\]]*\]",                                                 # ][reference]
    r"!?\[|\]",                                                       # link / image brackets
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});",  # entity
]
_INLINE_COMMON = [
    r"(?:[A-Za-z][A-Za-z0-9+.-]{1,31}://|www\.)" + _URL_TAIL,          # URL
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",                                  # e-mail
    r"(?<![\w@])@\w(?:[\w.-]*\w)?",                                   # @mention
    r"(?<![\w&#])#\w+",                                               # #hashtag, #123
    r"[^\W_]+(?:_+[^\W_]+)+",                                          # snake_case identifier
    r"[-+]?\d+(?:[.,:/' \u00a0\u202f-]\d+)*%?",                        # numbers, phone numbers, ranges
    r"[⟦⟧]",                                                          # our token brackets
    r"[\x00-\x08\x0b-\x1f\x7f]+",                                        # control characters (engines drop them)
]
_INLINE_EMPHASIS = r"[*_~]+"
_MD_INLINE = re.compile("|".join(f"(?:{p})" for p in _INLINE_MARKDOWN + _INLINE_COMMON + [_INLINE_EMPHASIS]), re.S)
_TEXT_INLINE = re.compile("|".join(f"(?:{p})" for p in _INLINE_COMMON))


def segment_markdown(text: str) -> list[Part]:
    """Segment a Markdown document; ``"".join`` of the identity-assembled parts is ``text``."""
    out: list[Part] = []
    lines = text.splitlines(keepends=True)
    fence: tuple[str, int] | None = None
    in_html = False
    html_end: re.Pattern[str] | None = None  # None: the block ends at a blank line
    in_table = False
    in_list = False
    prev_blank = True
    prev_code = False
    for n, line in enumerate(lines):
        body, eol = _split_eol(line)
        blank = bool(_BLANK.match(body))
        if fence is not None:
            out.append(line)
            stripped = body.lstrip(" \t>")
            if stripped.startswith(fence[0] * fence[1]) and not stripped.strip(fence[0] + " \t"):
                fence = None
            continue
        if in_html:
            out.append(line)
            in_html = not (blank if html_end is None else html_end.search(body))
            prev_blank = blank
            continue
        m = _FENCE_OPEN.match(body)
        if m and not (m.group("fence")[0] == "`" and "`" in m.group("info")):
            fence = (m.group("fence")[0], len(m.group("fence")))
            out.append(line)
            in_table = False
            continue
        if blank:
            out.append(line)
            prev_blank, in_table = True, False
            continue
        indented = bool(_INDENTED.match(body))
        if indented and (prev_code or (prev_blank and not in_list)):
            out.append(line)  # indented code block
            prev_code, prev_blank = True, False
            continue
        prev_code = False
        if not indented:
            in_list = bool(_LIST_ITEM.match(body)) or (in_list and not prev_blank)
        elif _LIST_ITEM.match(body):
            in_list = True
        prev_blank = False
        if _HTML_BLOCK.match(body):
            out.append(line)
            html_end = _html_block_end(body)
            in_html = not (html_end is not None and html_end.search(body, body.index("<") + 2))
            continue
        if in_table or ("|" in body and n + 1 < len(lines) and _TABLE_ALIGN.match(_split_eol(lines[n + 1])[0])
                        and not _TABLE_ALIGN.match(body)):
            if _TABLE_ALIGN.match(body):
                out.append(line)
            else:
                _table_row(body, out)
                out.append(eol)
            in_table = True
            continue
        if _THEMATIC_OR_SETEXT.match(body) or _LINK_REF_DEF.match(body):
            out.append(line)
            continue
        _content_line(body, out)
        out.append(eol)
    return _merge(out)


_HTML_ENDS = [  # CommonMark HTML block types 1-5 end at a marker, not at a blank line
    (re.compile(r"^ {0,3}<(?:script|pre|style|textarea)(?:[\s>]|$)", re.I), re.compile(r"</(?:script|pre|style|textarea)>", re.I)),
    (re.compile(r"^ {0,3}<!--"), re.compile(r"-->")),
    (re.compile(r"^ {0,3}<\?"), re.compile(r"\?>")),
    (re.compile(r"^ {0,3}<!\[CDATA\["), re.compile(r"\]\]>")),
    (re.compile(r"^ {0,3}<![A-Za-z]"), re.compile(r">")),
]


def _html_block_end(body: str) -> re.Pattern[str] | None:
    for start, end in _HTML_ENDS:
        if start.match(body):
            return end
    return None


def segment_text(text: str) -> list[Part]:
    """Segment plain text: one run per line; URLs, mentions, numbers... are protected."""
    out: list[Part] = []
    for line in text.splitlines(keepends=True):
        body, eol = _split_eol(line)
        _inline(body, out, _TEXT_INLINE)
        out.append(eol)
    return _merge(out)


def runs_of(parts: Sequence[Part]) -> list[Span]:
    return [p for p in parts if isinstance(p, Span)]


def assemble(parts: Sequence[Union[str, Run]], translations: Sequence[str]) -> str:
    """Join protected parts and translated runs (``translations[i]`` is for the i-th run)."""
    it = iter(translations)
    out = []
    for part in parts:
        out.append(part if isinstance(part, str) else part.fill(next(it)))
    return "".join(out)


# --- helpers ---------------------------------------------------------------------------
def _split_eol(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    if body != line:
        return body, line[len(body):]
    # str.splitlines also breaks on \v, \f, \x1c-\x1e, \x85, \u2028, \u2029
    if line and line[-1] in "\v\f\x1c\x1d\x1e\x85\u2028\u2029":
        return line[:-1], line[-1]
    return line, ""


def _content_line(body: str, out: list[Part]) -> None:
    prefix = _PREFIX.match(body).group(0)
    rest = body[len(prefix):]
    suffix = ""
    if "#" in prefix:
        m = _HEADING_CLOSE.search(rest)
        if m:
            rest, suffix = rest[: m.start()], m.group(0)
    out.append(prefix)
    _inline(rest, out, _MD_INLINE)
    out.append(suffix)


def _table_row(body: str, out: list[Part]) -> None:
    """Pipes are protected; each cell is its own run (code spans may contain pipes)."""
    start = 0
    i = 0
    quote = body[: len(body) - len(body.lstrip(" \t>"))]
    out.append(quote)
    start = i = len(quote)
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            i += 2
            continue
        if ch == "`":
            j = i
            while j < len(body) and body[j] == "`":
                j += 1
            close = body.find(body[i:j], j)
            i = close + (j - i) if close != -1 else j
            continue
        if ch == "|":
            _inline(body[start:i], out, _MD_INLINE)
            out.append("|")
            start = i + 1
        i += 1
    _inline(body[start:], out, _MD_INLINE)


def _inline(text: str, out: list[Part], pattern: re.Pattern[str]) -> None:
    """Append protected text and at most one Span for this stretch of a line."""
    if not text:
        return
    pieces: list[Piece] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            pieces.append(text[pos:m.start()])
        if m.end() > m.start():
            if pieces and isinstance(pieces[-1], Ph):
                pieces[-1] = Ph(pieces[-1].out + m.group(0))  # adjacent spans: one placeholder
            else:
                pieces.append(Ph(m.group(0)))
        pos = m.end()
    if pos < len(text):
        pieces.append(text[pos:])

    # Leading/trailing protected spans and whitespace stay outside the run.
    head: list[str] = []
    while pieces and (isinstance(pieces[0], Ph) or not pieces[0].strip()):
        p = pieces.pop(0)
        head.append(p.out if isinstance(p, Ph) else p)
    tail: list[str] = []
    while pieces and (isinstance(pieces[-1], Ph) or not pieces[-1].strip()):
        p = pieces.pop()
        tail.insert(0, p.out if isinstance(p, Ph) else p)
    if pieces and isinstance(pieces[0], str):
        stripped = pieces[0].lstrip()
        head.append(pieces[0][: len(pieces[0]) - len(stripped)])
        pieces[0] = stripped
    if pieces and isinstance(pieces[-1], str):
        stripped = pieces[-1].rstrip()
        tail.insert(0, pieces[-1][len(stripped):])
        pieces[-1] = stripped

    out.append("".join(head))
    if any(isinstance(p, str) and any(c.isalpha() for c in p) for p in pieces):
        out.append(Span(tuple(pieces)))
    else:  # nothing to translate (punctuation, numbers, placeholders only)
        out.append("".join(p.out if isinstance(p, Ph) else p for p in pieces))
    out.append("".join(tail))


def _merge(parts: list[Part]) -> list[Part]:
    """Fuse neighbouring protected strings and drop empty ones (fewer, larger parts)."""
    merged: list[Part] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    return merged
