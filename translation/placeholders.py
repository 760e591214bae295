"""Runs of translatable text with placeholders for protected spans.

A run is what an engine sees: a sentence or a line such as ``Run ⟦0⟧ before you push``
where ``⟦0⟧`` stands for a protected span (inline code, a link target, a glossary term).
Placeholders are numbered in order of appearance. Whatever the engine does to them
(drop, duplicate, reorder, invent), :func:`normalize` puts back every placeholder exactly
once and in the original order, so re-assembly is exact by construction and no token leaks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence, Union

OPEN, CLOSE = "⟦", "⟧"
TOKEN_RE = re.compile(r"⟦\s*(\d{1,4})\s*⟧")
_STRAY_RE = re.compile(r"[⟦⟧]")
_CANONICAL_RE = re.compile(r"⟦(\d{1,4})⟧")


def token(i: int) -> str:
    return f"{OPEN}{i}{CLOSE}"


@dataclass(frozen=True)
class Ph:
    """A protected span inside a run; ``out`` is what re-assembly writes in its place."""

    out: str


Piece = Union[str, Ph]


@dataclass(frozen=True)
class Run:
    text: str                 # with ⟦n⟧ tokens, what engines and the memory see
    values: tuple[str, ...]   # value written back for ⟦n⟧

    @classmethod
    def from_pieces(cls, pieces: Sequence[Piece]) -> "Run":
        parts: list[str] = []
        values: list[str] = []
        for piece in pieces:
            if isinstance(piece, Ph):
                parts.append(token(len(values)))
                values.append(piece.out)
            else:
                parts.append(piece)
        return cls("".join(parts), tuple(values))

    def fill(self, translated: str) -> str:
        """Write the placeholder values into a translated run (normalizing it first)."""
        text = normalize(translated, len(self.values))
        return TOKEN_RE.sub(lambda m: self.values[int(m.group(1))], text)


def normalize(text: str, count: int) -> str:
    """Return text where ⟦0⟧..⟦count-1⟧ each appear once, in increasing order.

    Placeholders the engine kept in order stay where it put them (the longest increasing
    subsequence); the others are re-inserted just before the next kept one, or at the end.
    """
    if text.count(OPEN) == count and text.count(CLOSE) == count and \
            _CANONICAL_RE.findall(text) == [str(i) for i in range(count)]:
        return text  # the usual case: the engine kept them all, in order
    found: list[tuple[int, int, int]] = []  # (id, start, end)
    for m in TOKEN_RE.finditer(text):
        i = int(m.group(1))
        if i < count and all(f[0] != i for f in found):  # first copy of a duplicate wins
            found.append((i, m.start(), m.end()))
    keep = _longest_increasing([f[0] for f in found])
    kept = {found[k][0]: found[k] for k in keep}

    # Rebuild: text without any token or stray bracket, then tokens at their slots.
    out: list[str] = []
    pos = 0
    pending = 0  # next id to emit
    for i in sorted(kept):
        _, start, end = kept[i]
        out.append(_strip(text[pos:start]))
        while pending < i:  # missing ones go just before the next kept placeholder
            out.append(token(pending))
            pending += 1
        out.append(token(i))
        pending = i + 1
        pos = end
    out.append(_strip(text[pos:]))
    while pending < count:
        out.append(token(pending))
        pending += 1
    return "".join(out)


def _strip(fragment: str) -> str:
    return _STRAY_RE.sub("", TOKEN_RE.sub("", fragment))


def _longest_increasing(seq: list[int]) -> list[int]:
    """Indices of a longest strictly increasing subsequence (patience sorting)."""
    if not seq:
        return []
    import bisect

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
