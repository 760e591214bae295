"""Countries are stored as ISO 3166-1 alpha-2 codes and shown in the reader's language (Babel's CLDR names)."""
from __future__ import annotations

from babel import Locale
from flask_babel import get_locale

UNKNOWN = "ZZ"  # CLDR's "Unknown Region": where an old free-text country could not be matched


def _locale(language: str | None = None) -> Locale:
    return Locale.parse(language) if language else (get_locale() or Locale.parse("en"))


def is_country_code(code: str | None) -> bool:
    """Two ASCII capitals that CLDR names as a country (not a region such as "419")."""
    return bool(code) and len(code) == 2 and code.isascii() and code.isalpha() and code.isupper() \
        and code in Locale.parse("en").territories


def country_name(code: str | None, language: str | None = None) -> str:
    """The country's name in `language` (default: the interface language); the code itself if unknown."""
    if not code:
        return ""
    return _locale(language).territories.get(code, code)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name in the reader's language (for select fields)."""
    names = _locale(language).territories
    codes = [code for code in names if len(code) == 2 and code.isalpha() and code != UNKNOWN]
    return sorted(((code, names[code]) for code in codes), key=lambda pair: pair[1].casefold())
