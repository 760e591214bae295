"""What user text may contain, and how it is stored: one rule for pages and the API."""
from __future__ import annotations

import re
import unicodedata

# NUL and other C0 controls (tab, newline and carriage return excepted) have no place in
# text, PostgreSQL refuses NUL outright, and lone surrogates (which Python's JSON decoder lets
# through as "\ud800") cannot be stored as UTF-8.
DISALLOWED_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Browsers send textarea line breaks as CRLF; store LF like every other writer does, so
    revisions and the translation memory compare equal texts as equal. Outer spaces go."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


# Explicit bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI) reorder
# the text after them ("Trojan Source"): no user text may hold them. The marks (LRM, RLM, ALM) have no
# scope and stay allowed in posts, as do ZWJ/ZWNJ, which scripts and emoji sequences need.
BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")

# Names and titles are one short line that people recognize each other by: no line breaks or other
# controls (Cc, Zl, Zp, Cs), no format characters (Cf: zero-width spaces and joiners, bidi controls,
# soft hyphen, BOM, word joiner, tags...) and none of the letters that render as nothing.
_NOT_IN_A_LINE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_BLANK_LETTERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")


def is_single_line_text(value: str) -> bool:
    """True when `value` holds nothing invisible, no line break and no direction control."""
    return not any(ch in _BLANK_LETTERS or unicodedata.category(ch) in _NOT_IN_A_LINE for ch in value)


# A small confusables fold: Cyrillic and Greek letters drawn like Latin ones (capitals and small
# letters apart: Greek capital eta looks like H, its small letter like n), dotless i, and the digits
# that pass for letters. Compatibility forms (full-width, mathematical letters) are NFKD's part.
_LOOKALIKES = str.maketrans(dict(zip(
    "АВЕКМНОРСТХУЅІЈҮԚԜаеорсухѕіјһԁԛԝ" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαορικνυχω" "ɑɡı01",
    "ABEKMHOPCTXYSIJYQWaeopcyxsijhdqw" "ABEZHIKMNOPTYXaopikvuxw" "agiol", strict=True,
)))


def name_key(name: str) -> str:
    """What a display name looks like to a reader, for telling copies apart: compatibility forms
    folded, lookalike letters folded, case folded, accents and format characters dropped,
    punctuation and whitespace collapsed to single spaces. Two names with one key pass for each other."""
    text = unicodedata.normalize("NFKD", name).translate(_LOOKALIKES).casefold()
    kept = []
    for ch in unicodedata.normalize("NFKD", text):  # casefold may compose again ("ǰ" and the like)
        category = unicodedata.category(ch)
        if category in ("Mn", "Me", "Cf") or ch in _BLANK_LETTERS:
            continue  # accents and invisible characters: the same name to the eye
        kept.append(" " if category[0] in "PZC" else ch)  # punctuation separates like a space
    return " ".join("".join(kept).split())


def ascii_int(value, max_digits: int = 18) -> int | None:
    """A whole number written in ASCII digits, else None. `str.isdigit` also accepts "²" (which
    int() refuses) and "٣" (which int() reads as 3); a length cap keeps int() cheap."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= max_digits:
        return int(value)
    return None
