"""What a member typed, as words and phrases to find or to leave out.

The forum's syntax is small: words, "a phrase" in quotes, -word and -"a phrase" to exclude. Anything
else is read as words: FTS5 and tsquery operators (OR, NEAR(, *, ^, :, parentheses) never reach the
database's parser raw, a lone quote is just a quote, and nothing a member types is an error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold, words

MAX_QUERY_CHARS = 200
MAX_CLAUSES = 8        # words and phrases kept, included and excluded together
MAX_PHRASE_WORDS = 6
# A quoted phrase (closed), or a run of anything else; each may start with "-". No nesting: linear.
_PIECE = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)')


@dataclass(frozen=True)
class Query:
    include: tuple[tuple[str, ...], ...]   # each a word (one item) or a phrase (several)
    exclude: tuple[tuple[str, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.include)

    @property
    def highlight_words(self) -> list[str]:
        return [word for clause in self.include for word in clause]


def parse(text: str) -> Query:
    include: list[tuple[str, ...]] = []
    exclude: list[tuple[str, ...]] = []
    for match in _PIECE.finditer((text or "")[:MAX_QUERY_CHARS]):
        if len(include) + len(exclude) >= MAX_CLAUSES:
            break
        minus, phrase, bare_minus, bare = match.groups()
        if phrase is not None:
            found = [fold(w) for w in words(phrase)][:MAX_PHRASE_WORDS]
            clauses = [tuple(found)] if found else []
            negative = bool(minus)
        else:
            found = [fold(w) for w in words(bare)]
            # "-word" excludes one word; "-a-b" is words to find (it reads as hyphenated, not as "not").
            negative = bool(bare_minus) and len(found) == 1
            clauses = [(w,) for w in found]
        target = exclude if negative else include
        for clause in clauses:
            if clause not in target and len(include) + len(exclude) < MAX_CLAUSES:
                target.append(clause)
    return Query(tuple(include), tuple(exclude))
