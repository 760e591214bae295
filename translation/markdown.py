"""Split Markdown (or plain text) into protected text and translatable runs, exactly.

The document becomes a list of parts: protected strings, copied byte for byte, and
``Span``s, the translatable runs. Concatenating the parts gives back the input exactly, so
an identity engine round-trips every document by construction, and a translating engine
can only change the text inside runs.

Granularity is one run per paragraph, heading, list item or table cell. A paragraph
written over several lines is still one run (the engine sees whole sentences): its line
breaks, with the next line's quote markers or indentation, are soft placeholders.
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

from translation.placeholders import MARK_RANGE, Ph, Piece, Run


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
    r"[\x00-\x08\x0b-\x1f\x7f" + MARK_RANGE + "]+",                         # control characters (engines drop them)
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
    para = _Paragraph(out)
    for n, line in enumerate(lines):
        body, eol = _split_eol(line)
        blank = bool(_BLANK.match(body))
        if fence is not None:
            para.flush()
            out.append(line)
            stripped = body.lstrip(" \t>")
            if stripped.startswith(fence[0] * fence[1]) and not stripped.strip(fence[0] + " \t"):
                fence = None
            continue
        if in_html:
            para.flush()
            out.append(line)
            in_html = not (blank if html_end is None else html_end.search(body))
            prev_blank = blank
            continue
        m = _FENCE_OPEN.match(body)
        if m and not (m.group("fence")[0] == "`" and "`" in m.group("info")):
            fence = (m.group("fence")[0], len(m.group("fence")))
            para.flush()
            out.append(line)
            in_table = False
            continue
        if blank:
            para.flush()
            out.append(line)
            prev_blank, in_table = True, False
            continue
        indented = bool(_INDENTED.match(body))
        if indented and (prev_code or (prev_blank and not in_list)):
            para.flush()
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
            para.flush()
            out.append(line)
            html_end = _html_block_end(body)
            in_html = not (html_end is not None and html_end.search(body, body.index("<") + 2))
            continue
        if in_table or ("|" in body and n + 1 < len(lines) and _TABLE_ALIGN.match(_split_eol(lines[n + 1])[0])
                        and not _TABLE_ALIGN.match(body)):
            para.flush()
            if _TABLE_ALIGN.match(body):
                out.append(line)
            else:
                _table_row(body, out)
                out.append(eol)
            in_table = True
            continue
        if _THEMATIC_OR_SETEXT.match(body) or _LINK_REF_DEF.match(body):
            para.flush()
            out.append(line)
            continue
        para.add(body, eol)
    para.flush()
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


class _Paragraph:
    """Consecutive lines of one paragraph, joined into one run.

    A hard-wrapped sentence reaches the engine whole; each line break (with the next line's
    quote markers or indentation) is a placeholder, so every line comes back where it was.
    """

    def __init__(self, out: list[Part]) -> None:
        self.out = out
        self.pieces: list[Piece] = []
        self.eol = ""
        self.quote_depth = -1  # -1: no paragraph open

    def add(self, body: str, eol: str) -> None:
        prefix = _PREFIX.match(body).group(0)
        rest = body[len(prefix):]
        continues = (self.quote_depth >= 0 and prefix.count(">") == self.quote_depth
                     and not prefix.replace(">", "").strip())  # quote markers and spaces only
        if not continues:
            self.flush()
            if "#" in prefix:  # a heading is a paragraph of its own, with its closing #s
                m = _HEADING_CLOSE.search(rest)
                suffix = ""
                if m:
                    rest, suffix = rest[: m.start()], m.group(0)
                self.out.append(prefix)
                _inline(rest, self.out, _MD_INLINE)
                self.out.append(suffix + eol)
                return
            self.out.append(prefix)
            self.quote_depth = prefix.count(">")
            self.pieces = _pieces(rest, _MD_INLINE)
        else:
            separator = self.eol + prefix
            if self.pieces and isinstance(self.pieces[-1], str):  # trailing spaces (hard break)
                kept = self.pieces[-1].rstrip(" \t")
                separator = self.pieces[-1][len(kept):] + separator
                self.pieces[-1] = kept
            _append_ph(self.pieces, separator, soft=True)
            following = _pieces(rest, _MD_INLINE)
            if following and isinstance(following[0], Ph):  # keep the soft break on its own
                self.pieces.append(following.pop(0))
            self.pieces.extend(following)
        self.eol = eol

    def flush(self) -> None:
        if self.quote_depth >= 0:
            _emit_span([p for p in self.pieces if p != ""], self.out)
            self.out.append(self.eol)
        self.pieces, self.eol, self.quote_depth = [], "", -1


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
    if text:
        _emit_span(_pieces(text, pattern), out)


def _pieces(text: str, pattern: re.Pattern[str]) -> list[Piece]:
    """Text pieces and protected pieces (adjacent protected spans merged into one)."""
    pieces: list[Piece] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            pieces.append(text[pos:m.start()])
        if m.end() > m.start():
            _append_ph(pieces, m.group(0))
        pos = m.end()
    if pos < len(text):
        pieces.append(text[pos:])
    return pieces


def _append_ph(pieces: list[Piece], value: str, soft: bool = False) -> None:
    if not soft and pieces and isinstance(pieces[-1], Ph) and not pieces[-1].soft:
        pieces[-1] = Ph(pieces[-1].out + value)  # one placeholder, not two in a row
    else:
        pieces.append(Ph(value, soft))


def _emit_span(pieces: list[Piece], out: list[Part]) -> None:
    """Leading/trailing protected spans and whitespace stay outside the run."""
    pieces = list(pieces)
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
