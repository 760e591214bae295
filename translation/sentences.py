"""A small rule-based sentence splitter for en/es/pt: offline by construction.

argostranslate's own splitters download a model (MiniSBD) or fetch resources (Stanza);
NMT models want one sentence per input, and forum lines are short, so rules suffice.
"""
from __future__ import annotations

import re

# Only abbreviations that are not also ordinary words ("out", "ago", "mar" are words).
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr dra sr sra srta prof profa ing lic st av etc vs e.g i.e p.ej nº núm num pág pag fig "
    "jan feb apr jun jul aug sep sept oct nov ene abr dic fev inc ltd".split()
)
# End punctuation, optional closing quotes/brackets, whitespace, then a plausible sentence start.
# Tried only where a run of end punctuation starts (not again from each "!" of "!!!!").
_BOUNDARY = re.compile(r"(?<![.!?…])([.!?…]++[\"'”’»)\]]*+)(\s++)(?=[\"'“‘«(¿¡⟦]*[A-ZÁÉÍÓÚÂÊÔÃÕÇÑÀÜ0-9¿¡⟦])")


def split_sentences(text: str) -> list[tuple[str, str]]:
    """Split text into (sentence, following whitespace) pairs; joining them gives text back."""
    out: list[tuple[str, str]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end(1)
        if m.group(1) == "." and _is_abbreviation(_last_word(text, start, end - 1)):
            continue
        out.append((text[start:end], m.group(2)))
        start = m.end()
    tail = text[start:]
    if tail or not out:
        out.append((tail, ""))
    return out


def _last_word(text: str, start: int, end: int) -> str:
    """The last whitespace-separated word of text[start:end], read from the end only
    (splitting the whole sentence so far at each candidate "." would be quadratic)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    begin = end
    while begin > start and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:end]


def _is_abbreviation(word: str) -> bool:
    word = word.lower().lstrip("(\"'¿¡")
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())
