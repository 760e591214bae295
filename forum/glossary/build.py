"""The glossary every translation job uses: the managed terms (GlossaryTerm rows) and the
network's city names, which are never translated.

Built once per process and per version of the data: a job asks two cheap queries (an
aggregate over the terms, the city names) and reuses the compiled patterns while nothing
changed; any add, edit or delete changes the version, so the next job uses it.
"""
from __future__ import annotations

import threading

from translation import Glossary, Term

from ..extensions import db
from ..models import City, GlossaryTerm

# A very short name ("Ita", "Goa" are fine; "A", "Da" are words) would freeze ordinary words.
CITY_NAME_MIN = 3

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, Glossary]] = {}


def terms_version() -> tuple:
    """Changes with every add (count, ids), edit (updated_at) and delete (count, ids)."""
    return tuple(db.session.execute(db.select(
        db.func.count(GlossaryTerm.id), db.func.max(GlossaryTerm.updated_at), db.func.sum(GlossaryTerm.id))).one())


def _term(row: GlossaryTerm) -> Term:
    return Term(row.term, row.translation if row.kind == "prefer" else None, row.term_plural or None,
                row.translation_plural or None, row.source_language or "", row.target_language or "")


def forum_glossary() -> Glossary:
    """The current glossary (cached while the terms and the city names stay the same)."""
    cities = tuple(sorted(name for name in db.session.execute(db.select(City.name)).scalars()
                          if len(name) >= CITY_NAME_MIN))
    version = (terms_version(), hash(cities))
    key = str(db.engine.url)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
    rows = db.session.execute(db.select(GlossaryTerm).order_by(GlossaryTerm.id)).scalars().all()
    glossary = Glossary(keep=cities, terms=[_term(row) for row in rows])
    with _lock:
        _cache[key] = (version, glossary)
    return glossary
