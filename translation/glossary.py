"""Glossary: terms never to translate and preferred translations per language pair.

Applied by construction: a matched term becomes a placeholder whose value is the term
itself (do-not-translate) or its preferred translation, so the engine never sees it.
Case-aware: a term written with capitals ("Curitiba", "SABESP") matches only that exact
spelling; an all-lowercase term ("open data") matches any casing, and a preferred
translation follows the source casing (Open data -> Datos abiertos, OPEN DATA -> DATOS ABIERTOS).

Plurals: a term and its plural both match, and a plural source becomes the plural
translation ("dashboards" -> "tableros"). The plurals are given (Term.term_plural,
Term.translation_plural) or derived by `pluralize` with simple en/es/pt rules. City names
(`keep` strings) get no plural: "Curitibas" is not a thing anyone writes.

The pattern is one alternation of escaped literals, longest first: linear in the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from translation.placeholders import Ph, Piece


@dataclass(frozen=True)
class Term:
    """One glossary entry. translation None: never translated. source/target "": any pair."""

    term: str
    translation: str | None = None
    term_plural: str | None = None
    translation_plural: str | None = None
    source: str = ""
    target: str = ""


# Words with no plural worth deriving ("open datas" is nobody's English).
_UNCOUNTABLE_EN = frozenset({"data", "information", "software", "feedback", "staff", "equipment", "research",
                             "advice", "knowledge", "infrastructure", "wastewater", "water", "health", "housing"})
_UNACCENT = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")
_VOWELS = "aeiouáéíóúâêôãõ"


def pluralize(phrase: str, language: str) -> str | None:
    """The plural of a term by simple rules, or None when no rule applies (already plural, invariant).

    The head noun is pluralised: the last word in English ("job description" -> "job descriptions"),
    the first in Spanish and Portuguese ("descripción de puesto" -> "descripciones de puesto")."""
    words = phrase.split(" ")
    if not phrase.strip() or language not in ("en", "es", "pt"):
        return None
    index = len(words) - 1 if language == "en" else 0
    plural = _plural_word(words[index], language)
    if plural is None:
        return None
    words[index] = plural
    return " ".join(words)


def _plural_word(word: str, language: str) -> str | None:
    lower = word.lower()
    if not lower or not lower[-1].isalpha():
        return None
    upper = len(word) > 1 and word.isupper()

    def end(cut: int, suffix: str) -> str:
        stem = word[:len(word) - cut] if cut else word
        return stem + (suffix.upper() if upper else suffix)

    if language == "en":
        if lower in _UNCOUNTABLE_EN:
            return None
        if lower.endswith(("ss", "x", "z", "ch", "sh")):
            return end(0, "es")
        if lower.endswith("s"):
            return None  # most likely plural already ("potholes")
        if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
            return end(1, "ies")
        return end(0, "s")
    if language == "es":
        if lower.endswith("z"):
            return end(1, "ces")
        if lower[-1] in _VOWELS:
            return end(0, "s")
        if lower.endswith(("s", "x")):
            return None  # plural already, or invariant ("crisis", "lunes")
        if len(lower) > 1 and lower[-2] in "áéíóú":  # descripción -> descripciones
            stem = word[:-2] + word[-2].translate(_UNACCENT) + word[-1]
            return stem + ("ES" if upper else "es")
        return end(0, "es")
    # Portuguese
    if lower.endswith("ão"):
        return end(2, "ões")
    if lower.endswith("m"):
        return end(1, "ns")
    if lower.endswith("l"):
        return end(1, "is")
    if lower.endswith(("r", "z")):
        return end(0, "es")
    if lower.endswith(("s", "x")):
        return None
    return end(0, "s")


@dataclass
class Glossary:
    keep: Iterable[str] = ()
    # {("en", "es"): {"open data": "datos abiertos"}}
    preferred: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)
    terms: Iterable[Term] = ()

    def __post_init__(self) -> None:
        self.keep = tuple(t for t in self.keep if t.strip())
        self.terms = tuple(t for t in self.terms if t.term.strip())
        self._patterns: dict[tuple[str, str], tuple[re.Pattern[str] | None, dict[str, str | None]]] = {}

    def entries(self, source: str, target: str) -> list[Term]:
        """The entries that apply to a pair: managed terms, then the `preferred` mapping."""
        out = [t for t in self.terms if (t.source, t.target) in (("", ""), (source, target))]
        out += [Term(term, translation, source=source, target=target)
                for term, translation in self.preferred.get((source, target), {}).items()]
        return out

    def _pattern(self, source: str, target: str) -> tuple[re.Pattern[str] | None, dict[str, str | None]]:
        key = (source, target)
        if key not in self._patterns:
            forms: dict[str, str | None] = {}

            def add(form: str | None, value: str | None) -> None:
                if form and form.strip():
                    forms.setdefault(form.strip(), value)

            entries = self.entries(source, target)
            # Written forms first; a derived plural never takes the place of a term somebody wrote.
            for term in self.keep:
                add(term, None)
            for entry in entries:
                add(entry.term, entry.translation)
                if entry.term_plural:
                    add(entry.term_plural, entry.translation_plural or _plural_translation(entry, target))
            for entry in entries:
                if not entry.term_plural:
                    add(pluralize(entry.term, source), _plural_translation(entry, target))
            alts = []
            for term in sorted(forms, key=len, reverse=True):  # longest match wins
                # lowercase terms match any casing; capitalised ones only themselves
                alts.append(f"(?i:{re.escape(term)})" if term == term.lower() else re.escape(term))
            pattern = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)") if alts else None
            lookup: dict[str, str | None] = {}
            for term, value in forms.items():
                lookup.setdefault(term.lower() if term == term.lower() else term, value)
            self._patterns[key] = (pattern, lookup)
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


def _plural_translation(entry: Term, target: str) -> str | None:
    """What a plural source becomes: None keeps the found text (a do-not-translate term)."""
    if entry.translation is None:
        return None
    return entry.translation_plural or pluralize(entry.translation, target) or entry.translation


def _match_case(source: str, translation: str) -> str:
    if translation != translation.lower():
        return translation  # the glossary fixed the casing itself
    if len(source) > 1 and source.isupper():
        return translation.upper()
    if source[:1].isupper():
        return translation[:1].upper() + translation[1:]
    return translation
