"""Countries are stored as ISO 3166-1 alpha-2 codes and shown in the reader's language (Babel's CLDR names)."""
from __future__ import annotations

import functools
import re
import unicodedata

from babel import Locale
from flask import has_request_context
from flask_babel import get_locale

UNKNOWN = "ZZ"  # CLDR's "Unknown Region": where an old free-text country could not be matched
# What CLDR names as a two-letter "territory" but ISO 3166-1 does not assign as a country: unions,
# pseudo-locales, reserved codes (Ascension, Clipperton, Diego Garcia, Ceuta/Melilla, Canaries...).
NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK",
                           UNKNOWN})
# Names people write that are not CLDR's own, normalized as by `_key` (then matched as CLDR's are).
ALIASES = {
    "usa": "US", "u s": "US", "u s a": "US", "united states america": "US", "eeuu": "US", "ee uu": "US",
    "eua": "US", "e u a": "US", "estados unidos america": "US", "estados unidos norteamerica": "US",
    "brasil": "BR", "republica federativa brasil": "BR",
    "mejico": "MX", "estados unidos mexicanos": "MX",
    "uk": "GB", "great britain": "GB", "england": "GB", "britain": "GB",
    "holland": "NL",
    "the bahamas": "BS",
}
# Connecting words that differ between the ways a name is written ("Trinidad & Tobago", "Trinidad y
# Tobago", "Trinidad and Tobago"): left out of the key.
_FILLER = frozenset({"and", "y", "e", "the", "of", "de", "da", "do", "del", "la", "las", "los"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")  # one class, one quantifier: linear
MAX_NAME = 100  # a country's name is short; what is longer is not read further


def _locale(language: str | None = None) -> Locale:
    if language:
        return Locale.parse(language)
    # Outside a request (CLI, migrations, workers) there is no reader: English.
    locale = get_locale() if has_request_context() else None
    return locale or Locale.parse("en")


def is_country_code(code: str | None) -> bool:
    """Two ASCII capitals that ISO 3166-1 assigns to a country (not a region such as "419", not "ZZ")."""
    return bool(code) and len(code) == 2 and code.isascii() and code.isalpha() and code.isupper() \
        and code not in NOT_COUNTRIES and code in Locale.parse("en").territories


def country_name(code: str | None, language: str | None = None) -> str:
    """The country's name in `language` (default: the interface language); the code itself if unknown."""
    if not code:
        return ""
    return _locale(language).territories.get(code, code)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name in the reader's language (for select fields)."""
    names = _locale(language).territories
    return sorted(((code, names[code]) for code in _codes()), key=lambda pair: sort_key(pair[1]))


def sort_key(name: str) -> tuple[str, str]:
    """Alphabetical as a reader expects it: "Éire" next to "Egypt", not after "Zambia"."""
    return _fold(name), name


@functools.cache
def _codes() -> tuple[str, ...]:
    return tuple(code for code in Locale.parse("en").territories if is_country_code(code))


def _fold(text: str) -> str:
    """Case- and accent-insensitive: "México" and "mexico" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_NAME])
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _key(text: str) -> str:
    words = _NON_ALNUM.sub(" ", _fold(text).replace("&", " and ")).split()
    words = ["st" if word == "saint" else word for word in words]
    return " ".join(word for word in words if word not in _FILLER)


@functools.cache
def _names_to_codes() -> dict[str, str]:
    """Every country's CLDR name in the network's languages (English first: it wins a clash)."""
    table: dict[str, str] = {}
    for language in ("en", "es", "pt"):
        names = Locale.parse(language).territories
        for code in _codes():
            table.setdefault(_key(names[code]), code)
    for alias, code in ALIASES.items():
        table.setdefault(_key(alias), code)
    table.pop("", None)
    return table


def country_code(text: str | None) -> str | None:
    """The code for what someone wrote: a code ("br", "BR") or a country's name in English, Spanish or
    Portuguese, accents and case aside ("Brasil", "brazil", "EE. UU."); None if it names no country."""
    if not text:
        return None
    value = text.strip()[:MAX_NAME]
    if len(value) == 2 and is_country_code(value.upper()):
        return value.upper()
    return _names_to_codes().get(_key(value))
