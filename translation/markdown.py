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

Every pattern here runs on user text, so none may backtrack more than linearly: runs of
spaces are matched possessively, patterns that could start anywhere inside a long word
start only where the word does, and what needs a closing delimiter (code spans,
comments) is found with an index instead of a search from every opener.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterator, Sequence, Union

from translation.placeholders import MARK_RANGE, Ph, Piece, Run


@dataclass(frozen=True)
class Span:
    """A translatable run before numbering: text pieces and protected pieces."""

    pieces: tuple[Piece, ...]


Part = Union[str, Span]

# --- block level -----------------------------------------------------------------------
_FENCE_OPEN = re.compile(r"^(?P<prefix>[ \t>]*+(?:(?:[-*+]|\d{1,9}[.)])[ \t]++)?[ \t]*+)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
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
_TABLE_ALIGN = re.compile(r"^[ \t>]*+\|?[ \t]*+:?-++:?[ \t]*+(?:\|[ \t]*+:?-++:?[ \t]*+)*+\|?[ \t]*+$")
_PREFIX = re.compile(
    r"^(?:[ \t]*>[ \t]?)*"                      # blockquote markers
    r"(?:[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))?"  # list marker / numbering
    r"(?:\[[ xX]\][ \t]+)?"                      # task box
    r"(?:[ \t]*#{1,6}(?:[ \t]+|$))?"             # heading marker
    r"[ \t]*"
)
_LIST_ITEM = re.compile(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
# searched: the lookbehind starts it only at the first space of a run, not at each one
_HEADING_CLOSE = re.compile(r"(?<![ \t])[ \t]++#++[ \t]*+$")

# --- inline level ----------------------------------------------------------------------
# Leftmost match of one alternation, as before; what the alternation cannot do in linear
# time is finished by _protected_spans: a backtick run becomes a code span when a run of
# the same length follows (CommonMark), "<!--" a comment when a "-->" follows.
_URL = r"(?:[A-Za-z][A-Za-z0-9+.-]{1,31}://|www\.)[^\s<>]*[^\s<>.,;:!?'\")\]*_~]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_SNAKE = r"[^\W_]+(?:_+[^\W_]+)+"
_INLINE_MARKDOWN = [
    r"\\[!-/:-@\[-`{-~]|\\$",                                       # backslash escape, hard break
    r"(?P<ticks>`+)",                                                 # code span or unmatched backticks
    r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>",  # autolink
    r"(?P<comment><!--)|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>",    # comment, inline HTML
    r"\]\((?:<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"          # ](target "title")
    r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*\)",
    r"\]\[[^\]]*\]",                                                 # ][reference]
    r"!?\[|\]",                                                       # link / image brackets
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});",  # entity
]
# An e-mail or identifier tried at every letter of a long word rescans the rest of it
# each time: they start only where their word does (see _inside_word for the exception).
_INLINE_COMMON = [
    _URL,                                                             # URL
    r"(?<![\w.+-])" + _EMAIL,                                         # e-mail
    r"(?<![\w@])@\w(?:[\w.-]*\w)?",                                   # @mention
    r"(?<![\w&#])#\w+",                                               # #hashtag, #123
    r"(?<![^\W_])" + _SNAKE,                                          # snake_case identifier
    r"[-+]?\d+(?:[.,:/' \u00a0\u202f-]\d+)*%?",                        # numbers, phone numbers, ranges
    r"[⟦⟧]",                                                          # our token brackets
    r"[\x00-\x08\x0b-\x1f\x7f" + MARK_RANGE + "]+",                         # control characters (engines drop them)
]
_INLINE_EMPHASIS = r"[*_~]+"
_MD_INLINE = re.compile("|".join(f"(?:{p})" for p in _INLINE_MARKDOWN + _INLINE_COMMON + [_INLINE_EMPHASIS]))
_TEXT_INLINE = re.compile("|".join(f"(?:{p})" for p in _INLINE_COMMON))
_URL_RE = re.compile(_URL)
_EMAIL_CHAR = re.compile(r"[\w.+-]")
_EMAIL_LOCAL = re.compile(r"[\w.+-]++")
_EMAIL_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)+")
_ALNUM_CHAR = re.compile(r"[^\W_]")
_ALNUM = re.compile(r"[^\W_]++")
_SNAKE_TAIL = re.compile(r"(?:_+[^\W_]+)+")
_BACKTICKS = re.compile(r"`+")


def segment_markdown(text: str) -> list[Part]:
    """Segment a Markdown document; ``"".join`` of the identity-assembled parts is ``text``."""
    out: list[Part] = []
    lines = text.splitlines(keepends=True)
    fence: str | None = None  # the opening fence: a closing one starts with it
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
            if stripped.startswith(fence) and not stripped.strip(fence[0] + " \t"):
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
            fence = m.group("fence")
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
            self.pieces.append(Ph(separator, soft=True))
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
    quote = body[: len(body) - len(body.lstrip(" \t>"))]
    out.append(quote)
    start = i = len(quote)
    runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS.finditer(body)]
    longest = [0] * (len(runs) + 1)  # longest[r]: the longest backtick run from runs[r] on
    for r in range(len(runs) - 1, -1, -1):
        longest[r] = max(runs[r][1], longest[r + 1])
    run_starts = [r[0] for r in runs]
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            i += 2
            continue
        if ch == "`":
            j = i
            while j < len(body) and body[j] == "`":
                j += 1
            # searched only if a run that long follows: else each opener would read the whole rest
            later = longest[bisect.bisect_left(run_starts, j)]
            close = body.find(body[i:j], j) if later >= j - i else -1
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
    spans: list[list[int]] = []
    for start, end in _protected_spans(text, pattern):
        if spans and spans[-1][1] == start:
            spans[-1][1] = end  # one placeholder, not two in a row
        else:
            spans.append([start, end])
    pieces: list[Piece] = []
    pos = 0
    for start, end in spans:
        if start > pos:
            pieces.append(text[pos:start])
        pieces.append(Ph(text[start:end]))
        pos = end
    if pos < len(text):
        pieces.append(text[pos:])
    return pieces


def _protected_spans(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each protected span, leftmost first, in time linear in the text."""
    pos = 0
    ticks: dict[int, list[int]] | None = None  # backtick runs: length -> starts
    last_comment_close = None
    word: dict[str, tuple[int, int]] = {}
    while pos < len(text):
        end = _inside_word(text, pos, word) if pos else 0
        if end:
            yield pos, end
            pos = end
            continue
        m = pattern.search(text, pos)
        if m is None:
            return
        start, end = m.span()
        if m.lastgroup == "ticks":
            if ticks is None:
                ticks = {}
                for run in _BACKTICKS.finditer(text):
                    ticks.setdefault(run.end() - run.start(), []).append(run.start())
            closers = ticks.get(end - start, [])  # (an opener after an escaped ` is a partial run)
            k = bisect.bisect_left(closers, end)
            if k < len(closers):  # the next run of the same length closes the code span
                end = closers[k] + (end - start)
        elif m.lastgroup == "comment":
            if last_comment_close is None:
                last_comment_close = text.rfind("-->")
            if last_comment_close < start + 4:  # no "-->" after it: nothing else starts with "<!"
                pos = start + 1
                continue
            end = text.index("-->", start + 4) + 3
        yield start, end
        pos = end


def _inside_word(text: str, pos: int, cache: dict[str, tuple[int, int]]) -> int:
    """End of an e-mail or identifier starting at ``pos`` inside a word, else 0.

    The patterns start only at a word start, but a token can end inside a word
    ("**_bob@example.org_**", "-12ab_cd"): there, do what the plain leftmost search
    did. An e-mail (or identifier) inside a word matches from any of its characters or
    from none, so each word is looked at once (``cache``: word end, match end or 0).
    """
    if not (_EMAIL_CHAR.match(text, pos - 1) and _EMAIL_CHAR.match(text, pos)):
        return 0
    url = _URL_RE.match(text, pos)  # the URL alternative came first
    if url:
        return url.end()
    word_end, found = cache.get("email", (0, 0))
    if pos >= word_end:
        word_end = _EMAIL_LOCAL.match(text, pos).end()
        domain = _EMAIL_DOMAIN.match(text, word_end)
        found = domain.end() if domain else 0
        cache["email"] = (word_end, found)
    if found:
        return found
    if _ALNUM_CHAR.match(text, pos - 1) and _ALNUM_CHAR.match(text, pos):
        word_end, found = cache.get("snake", (0, 0))
        if pos >= word_end:
            word_end = _ALNUM.match(text, pos).end()
            tail = _SNAKE_TAIL.match(text, word_end)
            found = tail.end() if tail else 0
            cache["snake"] = (word_end, found)
        return found
    return 0


def _emit_span(pieces: list[Piece], out: list[Part]) -> None:
    """Leading/trailing protected spans and whitespace stay outside the run."""
    lo, hi = 0, len(pieces)
    while lo < hi and (isinstance(pieces[lo], Ph) or not pieces[lo].strip()):
        lo += 1
    while hi > lo and (isinstance(pieces[hi - 1], Ph) or not pieces[hi - 1].strip()):
        hi -= 1
    head = [_source(p) for p in pieces[:lo]]
    tail = [_source(p) for p in pieces[hi:]]
    pieces = list(pieces[lo:hi])
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
        out.append("".join(_source(p) for p in pieces))
    out.append("".join(tail))


def _source(piece: Piece) -> str:
    return piece.out if isinstance(piece, Ph) else piece


def _merge(parts: list[Part]) -> list[Part]:
    """Fuse neighbouring protected strings and drop empty ones (fewer, larger parts)."""
    merged: list[Part] = []
    strings: list[str] = []  # joined once: += on a list item copies the growing string each time
    for part in parts:
        if isinstance(part, str):
            strings.append(part)
            continue
        if any(strings):
            merged.append("".join(strings))
        strings = []
        merged.append(part)
    if any(strings):
        merged.append("".join(strings))
    return merged
