"""Words as the index sees them: plain text of a post, folded (case, accents) and stemmed in its
language. Pure functions, no Flask: the migration that builds the index uses them too.

Linear on any input: one regex without nested quantifiers finds the words; the text read is capped.
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import nh3
import snowballstemmer

LANGUAGES = {"en": "english", "es": "spanish", "pt": "portuguese"}
MAX_INDEXED_CHARS = 100_000  # a post is at most this long (forms cap it); the index reads no further
# Letters and digits (not "_"): the words unicode61 and PostgreSQL's parser see; no nested quantifier.
WORD = re.compile(r"[^\W_]+")


def plain_text(body_html: str) -> str:
    """A rendered post as text: tags dropped (nh3 is linear), entities decoded, spaces collapsed."""
    text = html.unescape(nh3.clean(body_html[:2 * MAX_INDEXED_CHARS], tags=set()))
    return " ".join(text.split())[:MAX_INDEXED_CHARS]


def fold(word: str) -> str:
    """Case- and accent-insensitive form: "Construcción" -> "construccion"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=None)
def _stemmer(language: str):
    return snowballstemmer.stemmer(LANGUAGES[language])


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    """The folded word's Snowball stem in `language`: "fugas" -> "fug", "vazamentos" -> "vazament"."""
    return _stemmer(language).stemWord(fold(word))


# The commonest words of the three languages, folded: a "similar threads" lookup, which needs only
# some of the words to match, leaves them out (a title's "how" and "de" say nothing about its topic).
STOP_WORDS = frozenset("""
a an and are as at be by can do does for from has have how i in is it its my of on or our the their
there this to was we what when where which who why will with you your
al como con cual cuando de del donde el en es esta este hay la las le lo los mas mi nos o para pero
por que se sin sobre su sus un una uno y ya
ao aos as com da das de do dos e em essa esse esta este foi mais na nas no nos o os ou para pela pelo
por qual quando que se sem sua seu um uma
""".split())


def words(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFC", text[:MAX_INDEXED_CHARS]))


def terms(text: str, language: str) -> str:
    """What SQLite's FTS5 indexes for a text in `language`: its stems, space-separated."""
    return " ".join(stem(w, language) for w in words(text))
