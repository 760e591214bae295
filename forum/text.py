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
# soft hyphen, BOM, word joiner, tags...), no Default_Ignorable code point (Unicode's list of what
# renders as nothing: Hangul fillers, variation selectors, the combining grapheme joiner, the Mongolian
# free variation selectors and the ranges kept for more of them), and none of the characters that are
# drawn blank (the Braille blank, the null notehead, the Khitan filler). One exception: U+FE0F right
# after an emoji base asks for its emoji look ("✔️ Done") and adds nothing invisible.
_NOT_IN_A_LINE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_DEFAULT_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]")  # DerivedCoreProperties.txt, Default_Ignorable_Code_Point
_DRAWN_BLANK = frozenset("\u2800\U00016fe4\U0001d159")
_EMOJI_PRESENTATION = "\ufe0f"
# Emoji that are punctuation, not symbols (So/Sm): ‼ ⁉ 〰 〽; digits, # and * only in a keycap (+ U+20E3).
_EMOJI_PUNCTUATION = frozenset("\u203c\u2049\u3030\u303d")
_KEYCAP_BASES, _KEYCAP = frozenset("#*0123456789"), "\u20e3"


def _renders_as_nothing(ch: str) -> bool:
    return ch in _DRAWN_BLANK or _DEFAULT_IGNORABLE.match(ch) is not None


def _emoji_presentation_ok(value: str, i: int) -> bool:
    """U+FE0F at value[i] follows an emoji base (a symbol, an emoji punctuation mark, a keycap's digit)."""
    before = value[i - 1] if i else ""
    if before in _KEYCAP_BASES:
        return value[i + 1:i + 2] == _KEYCAP
    return bool(before) and (before in _EMOJI_PUNCTUATION or unicodedata.category(before) in ("So", "Sm"))


def is_single_line_text(value: str) -> bool:
    """True when `value` holds nothing invisible, no line break and no direction control. Character by
    character (U+FE0F aside, which needs its emoji before it): forum.api.openapi derives its pattern from it."""
    for i, ch in enumerate(value):
        if ch == _EMOJI_PRESENTATION and _emoji_presentation_ok(value, i):
            continue
        if unicodedata.category(ch) in _NOT_IN_A_LINE or _renders_as_nothing(ch):
            return False
    return True


def has_letter_or_number(value: str) -> bool:
    """A name or title needs something to read: a letter or a number (Unicode L* or N*), not only
    accents, symbols or punctuation."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in value)


# A small confusables fold (after Unicode's confusables.txt): Cyrillic, Greek and Cherokee letters drawn
# like Latin ones (capitals and small letters apart: Greek capital eta looks like H, its small letter like
# n), the palochka, the dental click and the vertical line that pass for l, small capitals, dotless i, and
# the digits that pass for letters. Compatibility forms (full-width, mathematical letters) are NFKD's part.
# Cherokee maps to small letters: casefold turns Cherokee small letters into the capitals (it folds that
# script to upper case), so the fold runs again after it.
_LOOKALIKES = str.maketrans(dict(zip(
    "АВЕКМНОРСТХУЅІЈҮԚԜаеорсухѕіјһԁԛԝ\u04c0\u04cf" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαορικνυχω"
    "ᎠᎡᎢᎥᎩᎪᎫᎬᎳᎷᎻᎽᏀᏂᏃᏏᏒᏔᏕᏙᏚᏞᏟᏢᏦᏧᏳᏴ" "\u01c0|ᴄᴏᴜᴠᴡᴢɑɡı01",
    "ABEKMHOPCTXYSIJYQWaeopcyxsijhdqwll" "ABEZHIKMNOPTYXaopikvuxw"
    "drtiyajewmhyghzbrwsvslcpkdgb" "llcouvwzagiol", strict=True,
)))
# Capital I is also drawn like small l ("AIice"), while casefold reads it as i ("ADA ADMIN"): a name has
# a key for each reading.
_CAPITAL_I_AS_L = str.maketrans("I", "l")


def _name_key(name: str, capital_i_as_l: bool) -> str:
    text = unicodedata.normalize("NFKD", name).translate(_LOOKALIKES)
    if capital_i_as_l:
        text = text.translate(_CAPITAL_I_AS_L)
    kept = []
    # casefold may compose again ("ǰ" and the like), and turns Cherokee small letters into capitals
    for ch in unicodedata.normalize("NFKD", text.casefold()).translate(_LOOKALIKES):
        category = unicodedata.category(ch)
        if category in ("Mn", "Me", "Cf") or _renders_as_nothing(ch):
            continue  # accents and invisible characters: the same name to the eye
        kept.append(" " if category[0] in "PZC" else ch)  # punctuation separates like a space
    return " ".join("".join(kept).split())


def name_keys(name: str) -> frozenset[str]:
    """What a display name looks like to a reader, for telling copies apart: compatibility forms
    folded, lookalike letters folded, case folded, accents and invisible characters dropped,
    punctuation and whitespace collapsed to single spaces; capital I once as i and once as l; and
    each of those without its spaces, as a mention writes it ("@BrunoDiaz"). Two names that share a
    key pass for each other."""
    keys = {_name_key(name, False), _name_key(name, True)}
    return frozenset(keys | {key.replace(" ", "") for key in keys})


def ascii_int(value, max_digits: int = 18) -> int | None:
    """A whole number written in ASCII digits, else None. `str.isdigit` also accepts "²" (which
    int() refuses) and "٣" (which int() reads as 3); a length cap keeps int() cheap."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= max_digits:
        return int(value)
    return None
