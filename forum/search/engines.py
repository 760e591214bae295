"""The database's own full-text search behind one function: `matches(query, ...)` gives the best
documents for a parsed query, on SQLite (FTS5, bm25) or PostgreSQL (tsvector, ts_rank_cd).

Every query word is looked for in the three languages at once (its stem in each, and the glossary's
translations of it), so a Spanish query finds an English post through its Spanish translation and
through the glossary. What reaches the engine is built here from stems and bound parameters, never
from the member's raw text: no FTS5 or tsquery syntax can be injected.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import case, func, literal_column

from .. import visibility
from ..extensions import db
from ..models import LibraryEntry, Post, SearchDocument, Thread
from .query import Query
from .text import LANGUAGES, stem, words

CANDIDATES = 300  # best documents considered per search: results are grouped by thread from these
BOOST = 0.5       # an accepted answer, a library thread: half as relevant again


@dataclass(frozen=True)
class Hit:
    document_id: int
    post_id: int
    thread_id: int
    language: str
    source: str
    score: float


def matches(query: Query, expansions: dict[str, list[tuple[str, str]]], where=(), limit: int = CANDIDATES,
            every_word: bool = True) -> list[Hit]:
    """The best visible, undeleted documents for `query`, best first (a recency tie-break).
    `every_word=False`: documents with any of the words (similar threads), the more the better."""
    if not query:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        condition, rank = _postgres(query, expansions, every_word)
        select = db.select(SearchDocument.id, SearchDocument.post_id, SearchDocument.thread_id,
                           SearchDocument.language, SearchDocument.source, rank.label("rank"))
    else:
        fts = literal_column("search_fts")
        condition = fts.op("MATCH")(_fts5_expression(query, expansions, every_word))
        # bm25 is lower-is-better; titles weigh three times the body.
        rank = -func.bm25(fts, 3.0, 1.0)
        select = (db.select(SearchDocument.id, SearchDocument.post_id, SearchDocument.thread_id,
                            SearchDocument.language, SearchDocument.source, rank.label("rank"))
                  .select_from(sa.table("search_fts"))
                  .join(SearchDocument, SearchDocument.id == literal_column("search_fts.rowid")))
    library = db.select(LibraryEntry.id).where(LibraryEntry.thread_id == Thread.id).exists()
    boost = 1 + case((Thread.accepted_post_id == Post.id, BOOST), else_=0) + case((library, BOOST), else_=0)
    score = (rank * boost).label("score")
    rows = db.session.execute(
        select.add_columns(score)
        .join(Post, Post.id == SearchDocument.post_id).join(Thread, Thread.id == SearchDocument.thread_id)
        .where(condition, Post.deleted_at.is_(None), visibility.visible_posts(Post), *where)
        .order_by(score.desc(), Post.created_at.desc(), SearchDocument.id)
        .limit(limit)).all()
    return [Hit(r.id, r.post_id, r.thread_id, r.language, r.source, float(r.score)) for r in rows]


def _alternatives(clause: tuple[str, ...], expansions) -> list[tuple[str | None, str]]:
    """(language or None for all three, text) forms a clause may match."""
    found = [(None, " ".join(clause))]
    if len(clause) == 1:
        found += expansions.get(clause[0], [])
    return found


# --- SQLite: an FTS5 expression of quoted stems (stems are letters and digits only) ---

def _fts5_phrases(clause, expansions) -> set[str]:
    phrases = set()
    for language, form in _alternatives(clause, expansions):
        for lang in ([language] if language else LANGUAGES):
            stems = [stem(w, lang) for w in words(form)]
            if stems:
                phrases.add('"' + " ".join(stems) + '"')
    return phrases


def _fts5_expression(query: Query, expansions, every_word: bool = True) -> str:
    def any_of(clause):
        return "(" + " OR ".join(sorted(_fts5_phrases(clause, expansions))) + ")"

    expression = (" AND " if every_word else " OR ").join(any_of(c) for c in query.include)
    if query.exclude:
        expression = f"({expression}) NOT ({' OR '.join(any_of(c) for c in query.exclude)})"
    return expression


# --- PostgreSQL: a tsquery built by functions over bound parameters ---

def _postgres(query: Query, expansions, every_word: bool = True):
    def config(language):
        return literal_column(f"'pg_catalog.{LANGUAGES[language]}'::regconfig")

    def any_of(clause):
        alternatives = [func.phraseto_tsquery(config(lang), func.forum_unaccent(sa.bindparam(None, form)))
                        for language, form in _alternatives(clause, expansions)
                        for lang in ([language] if language else LANGUAGES)]
        combined = alternatives[0]
        for other in alternatives[1:]:
            combined = func.tsquery_or(combined, other)
        return combined

    tsquery = any_of(query.include[0])
    for clause in query.include[1:]:
        tsquery = (func.tsquery_and if every_word else func.tsquery_or)(tsquery, any_of(clause))
    for clause in query.exclude:
        tsquery = func.tsquery_and(tsquery, func.tsquery_not(any_of(clause)))
    vector = literal_column("search_documents.vector")
    return vector.op("@@")(tsquery), func.ts_rank_cd(vector, tsquery)


def filters(*, category_id: int | None = None, city_id: int | None = None, country: str | None = None,
            language: str | None = None, answered: bool | None = None, since=None, until=None) -> list:
    """WHERE clauses for the search filters (on the post, its thread and its author's city)."""
    from ..models import City, User

    where = []
    if category_id is not None:
        where.append(Thread.category_id == category_id)
    if city_id is not None:
        where.append(Post.author_id.in_(db.select(User.id).where(User.city_id == city_id)))
    if country is not None:
        where.append(Post.author_id.in_(db.select(User.id).join(City, City.id == User.city_id)
                                        .where(City.country == country)))
    if language is not None:
        where.append(Post.language == language)
    if answered is not None:
        where.append(Thread.accepted_post_id.is_not(None) if answered else Thread.accepted_post_id.is_(None))
    if since is not None:
        where.append(Post.created_at >= since)
    if until is not None:
        where.append(Post.created_at < until)
    return where



