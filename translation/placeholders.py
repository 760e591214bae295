"""Runs of translatable text with placeholders for protected spans.

A run is what an engine sees: a sentence or a paragraph such as ``Run ⟦0⟧ before you push``
where ``⟦0⟧`` stands for a protected span (inline code, a link target, a glossary term).
Placeholders are numbered in order of appearance. Whatever the engine does to them
(drop, duplicate, reorder, invent), :meth:`Run.fill` puts back every placeholder exactly
once and in the original order, so re-assembly is exact by construction and no token leaks.

Soft line breaks (a paragraph written over several lines) are placeholders too, but they
only need to stay in order among themselves and between words: one the engine dropped or
pushed to an edge goes back at the nearest space to where it was, so the paragraph keeps
its lines (and its blockquote markers or list indentation, which travel with the break).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Collection, Iterator, Sequence, Union

OPEN, CLOSE = "⟦", "⟧"
# five digits: a 50,000-character post can hold more than 9,999 placeholders in one run
TOKEN_RE = re.compile(r"⟦\s*(\d{1,5})\s*⟧")
_STRAY_RE = re.compile(r"[⟦⟧]")
_CANONICAL_RE = re.compile(r"⟦(\d{1,5})⟧")
# Soft breaks are parked on private-use characters while the other placeholders are
# normalized (Markdown segmentation protects these characters, so text never holds them).
_MARK_BASE, _MARK_LAST = 0xF0000, 0xFFFFF  # plane 15: one marker for each of 65,536 placeholders
MARK_RANGE = "\U000f0000-\U000fffff"
# the lookbehind: spaces before a break are tried once per run, not again from each space
_FILL_RE = re.compile(rf"(?:(?<![ \t])[ \t]++)?+([{MARK_RANGE}])[ \t]*+|⟦(\d{{1,5}})⟧")


def token(i: int) -> str:
    return f"{OPEN}{i}{CLOSE}"


@dataclass(frozen=True)
class Ph:
    """A protected span inside a run; ``out`` is what re-assembly writes in its place.

    ``soft`` marks a line break inside a paragraph: the engine sees it between spaces
    (``word ⟦3⟧ word``, not glued to the words) and re-assembly drops those spaces again.
    """

    out: str
    soft: bool = False


Piece = Union[str, Ph]


@dataclass(frozen=True)
class Run:
    text: str                 # with ⟦n⟧ tokens, what engines and the memory see
    values: tuple[str, ...]   # value written back for ⟦n⟧
    # soft line breaks: (id, relative position in the source text, 0..1)
    soft: tuple[tuple[int, float], ...] = ()

    @classmethod
    def from_pieces(cls, pieces: Sequence[Piece]) -> "Run":
        parts: list[str] = []
        values: list[str] = []
        soft: list[tuple[int, int]] = []
        length = 0
        for piece in pieces:
            if isinstance(piece, Ph):
                if piece.soft:
                    soft.append((len(values), length))
                    part = f" {token(len(values))} "
                else:
                    part = token(len(values))
                values.append(piece.out)
            else:
                part = piece
            parts.append(part)
            length += len(part)
        return cls("".join(parts), tuple(values), tuple((i, at / max(length, 1)) for i, at in soft))

    def fill(self, translated: str) -> str:
        """Write the placeholder values into a translated run."""
        soft_ids = {i for i, _ in self.soft}
        if soft_ids:
            translated = self._park_soft_breaks(translated, soft_ids)
        text = normalize(translated, len(self.values), skip=soft_ids)

        def value(m: re.Match[str]) -> str:
            if m.group(1) is not None:  # a parked soft break eats the spaces around it
                return self.values[ord(m.group(1)) - _MARK_BASE]
            return self.values[int(m.group(2))]

        return _FILL_RE.sub(value, text)

    def _park_soft_breaks(self, text: str, soft_ids: set[int]) -> str:
        """Replace soft-break tokens by markers. If the engine kept every break once, in
        order and between words, they stay where it put them; otherwise all of them go
        at the spaces nearest to their original relative positions, in order."""
        found = [(int(m.group(1)), m.start(), m.end()) for m in TOKEN_RE.finditer(text)
                 if int(m.group(1)) in soft_ids]
        ordered = [i for i, _ in self.soft]
        if [f[0] for f in found] == ordered:
            words = _word_positions(text)
            if all(words and words[0] < start and words[-1] >= end for _, start, end in found):
                return TOKEN_RE.sub(lambda m: _mark(int(m.group(1))) if int(m.group(1)) in soft_ids else m.group(0),
                                    text)

        text = TOKEN_RE.sub(lambda m: " " if int(m.group(1)) in soft_ids else m.group(0), text)
        # a space with something written on both sides, so no line comes out empty: after
        # the first word since the previous break, before the last word; never inside a token
        words = _word_positions(text)
        spaces = [k for k in _positions_outside_tokens(text) if text[k] == " "]
        last = bisect.bisect_left(spaces, words[-1]) if words else 0
        out: list[str] = []
        pos = 0       # text[:pos] is in out; the next break goes after a word after it
        inserted = 0  # breaks placed so far (the text grows by " mark " each time)
        lo = 0        # no break before the one placed last (counted in the grown text)
        for i, anchor in self.soft:
            first = bisect.bisect_left(words, pos)
            k_lo = bisect.bisect_right(spaces, words[first]) if first < len(words) else len(spaces)
            if k_lo >= last:  # too few words left: the break goes last (the paragraph ends anyway)
                out.append(f"{text[pos:]} {_mark(i)}")
                pos = len(text)
                continue
            # the space nearest to the target, the earlier one on a tie
            target = max(round(anchor * (len(text) + 3 * inserted)), lo) - 3 * inserted
            j = bisect.bisect_left(spaces, target, k_lo, last)
            if j == last or (j > k_lo and target - spaces[j - 1] <= spaces[j] - target):
                j -= 1
            at = spaces[j]
            out.append(f"{text[pos:at]} {_mark(i)} ")
            pos = at
            lo = at + 3 * inserted + 2
            inserted += 1
        out.append(text[pos:])
        return "".join(out)


def _mark(i: int) -> str:
    return chr(_MARK_BASE + i)


def _positions_outside_tokens(text: str) -> Iterator[int]:
    pos = 0
    for m in TOKEN_RE.finditer(text):
        yield from range(pos, m.start())
        pos = m.end()
    yield from range(pos, len(text))


def _word_positions(text: str) -> list[int]:
    """Positions of what counts as words: not spaces, placeholders or parked breaks."""
    return [k for k in _positions_outside_tokens(text)
            if not (text[k].isspace() or _MARK_BASE <= ord(text[k]) <= _MARK_LAST)]


def normalize(text: str, count: int, skip: Collection[int] = ()) -> str:
    """Return text where each of ⟦0⟧..⟦count-1⟧ (except ``skip``) appears once, in order.

    Placeholders the engine kept in order stay where it put them (the longest increasing
    subsequence); the others are re-inserted just before the next kept one, or at the end.
    Skipped ids are removed wherever they appear (the caller handles them).
    """
    skip = set(skip)
    wanted = [i for i in range(count) if i not in skip]
    if text.count(OPEN) == len(wanted) and text.count(CLOSE) == len(wanted) and \
            _CANONICAL_RE.findall(text) == [str(i) for i in wanted]:
        return text  # the usual case: the engine kept them all, in order
    unseen = set(wanted)
    found: list[tuple[int, int, int]] = []  # (id, start, end), first copy of each
    for m in TOKEN_RE.finditer(text):
        i = int(m.group(1))
        if i in unseen:
            unseen.discard(i)
            found.append((i, m.start(), m.end()))
    kept = {found[k][0]: found[k] for k in _longest_increasing([f[0] for f in found])}

    out: list[str] = []
    pos = 0
    todo = iter(wanted)
    pending = next(todo, None)
    for i in sorted(kept):
        _, start, end = kept[i]
        out.append(_strip(text[pos:start]))
        while pending is not None and pending < i:  # missing ones go just before the next kept one
            out.append(token(pending))
            pending = next(todo, None)
        out.append(token(i))
        pending = next(todo, None)
        pos = end
    out.append(_strip(text[pos:]))
    while pending is not None:
        out.append(token(pending))
        pending = next(todo, None)
    return "".join(out)


def _strip(fragment: str) -> str:
    return _STRAY_RE.sub("", TOKEN_RE.sub("", fragment))


def _longest_increasing(seq: list[int]) -> list[int]:
    """Indices of a longest strictly increasing subsequence (patience sorting)."""
    if not seq:
        return []
    tails: list[int] = []       # smallest tail value for each length
    tail_idx: list[int] = []
    prev = [-1] * len(seq)
    for idx, value in enumerate(seq):
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_idx.append(idx)
        else:
            tails[k] = value
            tail_idx[k] = idx
        prev[idx] = tail_idx[k - 1] if k else -1
    result = []
    idx = tail_idx[-1]
    while idx != -1:
        result.append(idx)
        idx = prev[idx]
    return result[::-1]
