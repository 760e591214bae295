"""Guardrails: is one translated run plausible, or did the engine loop, truncate or lose a placeholder?

Neural models sometimes loop ("matriculados matriculados matriculados...") or stop halfway
through a sentence; both come back as fluent-looking text, so nothing downstream notices.
:func:`check_run` looks at one run (the engine's raw output, before :meth:`Run.fill` repairs
the placeholders) and returns a short machine reason, or None when the run looks fine.
Each check is a single pass over the (capped) text: linear time whatever the input.
"""
from __future__ import annotations

import re
from typing import Collection

from translation.placeholders import TOKEN_RE

# Only the first CHECK_CHARS characters of a run are scanned for loops (a loop shows within
# them; a 50,000-character paragraph would only cost time). Lengths are measured in full.
CHECK_CHARS = 20_000

# Repetition: an n-gram (n = 1..MAX_NGRAM words) repeated back to back more than MAX_REPEATS
# times, and more often than anything in the source repeats. People write "no, no, no" or
# "very, very" (3 and 2), never 4 in a row; a looping model writes 5 to 50. Counting the
# source's own repeats keeps "ha ha ha ha" or a row of "0 0 0 0" from being blamed on the engine.
MAX_NGRAM = 4
MAX_REPEATS = 3

# Length ratio, by characters (placeholders and spaces not counted), output / source.
# Spanish and Portuguese run some 15-25% longer than English; a model that stops halfway
# lands near 0.5 of a normal output, and a loop far above 2. The bands leave room for
# Apertium's word-by-word output and for Argos paraphrasing.
RATIO_BANDS: dict[tuple[str, str], tuple[float, float]] = {
    ("en", "es"): (0.55, 2.0), ("en", "pt"): (0.55, 2.0),
    ("es", "en"): (0.45, 1.8), ("pt", "en"): (0.45, 1.8),
    ("es", "pt"): (0.55, 1.8), ("pt", "es"): (0.55, 1.8),
}
DEFAULT_BAND = (0.5, 2.0)
# Short runs vary much more ("OK" -> "De acuerdo" is 5x; "Sí." -> "Yes." 1.3x), so:
# below SHORT_RUN_CHARS only an absurd growth counts; up to MEDIUM_RUN_CHARS a loose band.
SHORT_RUN_CHARS = 20
SHORT_RUN_MAX_OUTPUT = 60          # characters: "OK" may become a phrase, not a paragraph
MEDIUM_RUN_CHARS = 60
MEDIUM_BAND = (0.3, 3.0)

_WORD_RE = re.compile(r"\w+")
_SPACE_RE = re.compile(r"\s+")


def check_run(source_text: str, output: str, source_lang: str, target_lang: str, *,
              soft: Collection[int] = ()) -> str | None:
    """Why the engine's output for this run looks wrong, or None.

    ``source_text`` is the run as the engine saw it (with ``⟦n⟧`` tokens), ``output`` what the
    engine returned. ``soft`` lists the ids of soft line breaks (Run.soft): losing one of those
    only moves a line break (Run.fill puts it back at the nearest space), so it is not suspect.
    Losing any other placeholder is: fill would re-insert the code or link at a guessed place.
    """
    lost = _lost_placeholders(source_text, output, set(soft))
    if lost:
        return "placeholder lost: " + " ".join(f"⟦{i}⟧" for i in lost[:5])
    source_chars, output_chars = _length(source_text), _length(output)
    if source_chars and not output_chars:
        return "empty output"
    repeated = _worst_repetition(output[:CHECK_CHARS])
    if repeated is not None:
        gram, count = repeated
        source_repeat = _worst_repetition(source_text[:CHECK_CHARS], threshold=0)
        if count > (source_repeat[1] if source_repeat else 1):
            shown = gram if len(gram) <= 40 else gram[:39] + "…"
            return f"repetition: '{shown}' x{count}"
    ratio = output_chars / source_chars if source_chars else 1.0
    if source_chars < SHORT_RUN_CHARS:
        if output_chars > SHORT_RUN_MAX_OUTPUT:
            return f"length ratio {ratio:.2f}"
        return None
    low, high = MEDIUM_BAND if source_chars < MEDIUM_RUN_CHARS else \
        RATIO_BANDS.get((source_lang, target_lang), DEFAULT_BAND)
    if not low <= ratio <= high:
        return f"length ratio {ratio:.2f}"
    return None


def _lost_placeholders(source_text: str, output: str, soft: set[int]) -> list[int]:
    wanted = [int(m.group(1)) for m in TOKEN_RE.finditer(source_text)]
    if not wanted:
        return []
    kept = {int(m.group(1)) for m in TOKEN_RE.finditer(output)}
    return [i for i in dict.fromkeys(wanted) if i not in kept and i not in soft]


def _length(text: str) -> int:
    """Characters that carry meaning: no placeholders, no spaces."""
    return len(_SPACE_RE.sub("", TOKEN_RE.sub("", text)))


def _worst_repetition(text: str, threshold: int = MAX_REPEATS) -> tuple[str, int] | None:
    """The n-gram repeated back to back most often, if more than ``threshold`` times.

    Words are compared case-folded, punctuation and placeholders ignored ("Sí, sí, sí"
    is "sí" x3). For each n, position j starts a repeat when word j equals word j+n; a
    stretch of L such positions in a row is the n-gram repeated L // n + 1 times.
    """
    words = [w.casefold() for w in _WORD_RE.findall(TOKEN_RE.sub(" ", text))]
    best: tuple[str, int] | None = None
    for n in range(1, MAX_NGRAM + 1):
        stretch = 0
        for j in range(len(words) - n):
            if words[j] == words[j + n]:
                stretch += 1
                count = stretch // n + 1
                if count > threshold and (best is None or count > best[1]):
                    start = j - stretch + 1
                    best = (" ".join(words[start:start + n]), count)
            else:
                stretch = 0
    return best
