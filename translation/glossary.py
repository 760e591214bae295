"""Glossary: terms never to translate and preferred translations per language pair.

Applied by construction: a matched term becomes a placeholder whose value is the term
itself (do-not-translate) or its preferred translation, so the engine never sees it.
Case-aware: a term written with capitals ("Curitiba", "SABESP") matches only that exact
spelling; an all-lowercase term ("open data") matches any casing, and a preferred
translation follows the source casing (Open data -> Datos abiertos, OPEN DATA -> DATOS ABIERTOS).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from translation.placeholders import Ph, Piece


@dataclass
class Glossary:
    keep: Iterable[str] = ()
    # {("en", "es"): {"open data": "datos abiertos"}}
    preferred: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.keep = tuple(t for t in self.keep if t.strip())
        self._patterns: dict[tuple[str, str], tuple[re.Pattern[str] | None, dict[str, str]]] = {}

    def _pattern(self, source: str, target: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        key = (source, target)
        if key not in self._patterns:
            terms: dict[str, str | None] = {t: None for t in self.keep}
            for term, translation in self.preferred.get(key, {}).items():
                terms.setdefault(term, translation)
            alts = []
            for term in sorted(terms, key=len, reverse=True):  # longest match wins
                # lowercase terms match any casing; capitalised ones only themselves
                alts.append(f"(?i:{re.escape(term)})" if term == term.lower() else re.escape(term))
            pattern = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)") if alts else None
            lookup = {t.lower() if t == t.lower() else t: v for t, v in terms.items()}
            self._patterns[key] = (pattern, lookup)  # type: ignore[assignment]
        return self._patterns[key]

    def apply(self, pieces: Iterable[Piece], source: str, target: str) -> list[Piece]:
        """Replace glossary terms in the text pieces by placeholders."""
        pattern, lookup = self._pattern(source, target)
        if pattern is None:
            return list(pieces)
        out: list[Piece] = []
        for piece in pieces:
            if isinstance(piece, Ph):
                out.append(piece)
                continue
            pos = 0
            for m in pattern.finditer(piece):
                out.append(piece[pos:m.start()])
                found = m.group(0)
                translation = lookup.get(found, lookup.get(found.lower()))
                out.append(Ph(found if translation is None else _match_case(found, translation)))
                pos = m.end()
            out.append(piece[pos:])
        return [p for p in out if not (isinstance(p, str) and p == "")]


def _match_case(source: str, translation: str) -> str:
    if translation != translation.lower():
        return translation  # the glossary fixed the casing itself
    if len(source) > 1 and source.isupper():
        return translation.upper()
    if source[:1].isupper():
        return translation[:1].upper() + translation[1:]
    return translation
