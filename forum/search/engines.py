"""The database's own full-text search behind one function: `matches(query, ...)` gives the best
documents for a parsed query, on SQLite (FTS5, bm25) or PostgreSQL (tsvector, ts_rank_cd).

Every query word is looked for in the three languages at once (its stem in each, and the glossary's
translations of it), so a Spanish query finds an English post through its Spanish translation and
through the glossary. What reaches the engine is built here from stems and bound parameters, never
from the member's raw text: no FTS5 or tsquery syntax can be injected.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import case, func, literal_column

from .. import visibility
from ..extensions import db
from ..models import LibraryEntry, Post, SearchDocument, Thread
from .query import Query
from .text import LANGUAGES, stem, words

CANDIDATES = 300  # best documents considered per search: results are grouped by thread from these
POOL = 2000       # newest matching documents ranked per search (see matches)
PROBE = 3 * POOL   # PostgreSQL: up to this many matches are read from GIN (see _postgres_plan; measured)
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
    `every_word=False`: documents with any of the words (similar threads), the more the better.

    Relevance is computed for the newest POOL matching documents only: a word that half the forum
    uses would otherwise have every one of its documents ranked on every search. Both engines walk
    their index newest first and stop at POOL (an FTS5 table in rowid order; PostgreSQL chooses
    between the GIN index and the primary key by the word's frequency)."""
    if not query:
        return []
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        condition, tsquery = _postgres(query, expansions, every_word)
        newest = SearchDocument.id.desc()
        pool = db.select(SearchDocument.id, literal_column("search_documents.vector").label("vector"))
    else:
        fts = literal_column("search_fts")
        condition = fts.op("MATCH")(_fts5_expression(query, expansions, every_word))
        newest = literal_column("search_fts.rowid").desc()
        # bm25 is lower-is-better; titles weigh three times the body. Evaluated for the pool's rows only.
        pool = (db.select(SearchDocument.id, (-func.bm25(fts, 3.0, 1.0)).label("rank"))
                .select_from(sa.table("search_fts"))
                .join(SearchDocument, SearchDocument.id == literal_column("search_fts.rowid")))
    pool = pool.add_columns(SearchDocument.post_id, SearchDocument.thread_id, SearchDocument.language,
                            SearchDocument.source)
    if where:
        # Filters narrow the pool itself, so that none of their matches is lost to the cap.
        pool = (pool.join(Post, Post.id == SearchDocument.post_id)
                .join(Thread, Thread.id == SearchDocument.thread_id).where(*where))
    pool = pool.where(condition).order_by(newest).limit(POOL).subquery()
    rank = func.ts_rank_cd(pool.c.vector, tsquery) if postgres else pool.c.rank
    library = db.select(LibraryEntry.id).where(LibraryEntry.thread_id == pool.c.thread_id).exists()
    boost = (1 + case((Thread.accepted_post_id == pool.c.post_id, BOOST), else_=0)
             + case((library, BOOST), else_=0))
    score = (rank * boost).label("score")
    statement = (
        db.select(pool.c.id, pool.c.post_id, pool.c.thread_id, pool.c.language, pool.c.source, score)
        .join(Thread, Thread.id == pool.c.thread_id)
        .where(*_visible(pool))
        # Equal relevance: the newest document first (an edit or a new translation makes it new).
        .order_by(score.desc(), pool.c.id.desc()).limit(limit))
    if postgres:
        with _postgres_plan(condition, bool(where)):
            rows = db.session.execute(statement).all()
    else:
        rows = db.session.execute(statement).all()
    return [Hit(r.id, r.post_id, r.thread_id, r.language, r.source, float(r.score)) for r in rows]


PLAN_SETTINGS = ("plan_cache_mode", "enable_indexscan", "enable_bitmapscan", "enable_seqscan")


@contextmanager
def _postgres_plan(condition, filtered: bool):
    """The plan that suits the words, chosen from what the index holds rather than from estimates.

    PostgreSQL estimates two words' documents as if the words were independent, and then walks the
    whole primary key backwards for a pair that is rarer than it thinks. So first count, through the
    GIN index, whether the query has more than PROBE documents (a few ms even for a word in half the
    forum): more, and the newest POOL come from the primary key, walked backwards (a few rows read
    for each one kept); fewer, and all of them come from GIN (reading up to PROBE rows beats walking
    the key past hundreds of non-matching rows for each match). With filters the planner chooses (they join posts and threads). A prepared
    statement's generic plan cannot know any of this: plans are custom for the search."""
    settings = ["SET LOCAL plan_cache_mode = force_custom_plan"]
    if not filtered:
        probe = db.select(SearchDocument.id).where(condition).limit(PROBE + 1).subquery()
        db.session.execute(sa.text("SET LOCAL enable_indexscan = off"))
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        common = db.session.execute(db.select(func.count()).select_from(probe)).scalar_one() > PROBE
        db.session.execute(sa.text("RESET enable_seqscan"))
        db.session.execute(sa.text("RESET enable_indexscan"))
        if common:
            settings.append("SET LOCAL enable_bitmapscan = off")  # the newest POOL, from the primary key
        else:
            # All of them, from GIN: no walk of the primary key (the joins below still use theirs).
            settings.append("SET LOCAL enable_indexscan = off")
    for setting in settings:
        db.session.execute(sa.text(setting))
    try:
        yield
    finally:
        for name in PLAN_SETTINGS:  # the rest of the request plans as usual
            db.session.execute(sa.text(f"RESET {name}"))


def _visible(pool) -> list:
    """Deleted posts never match; hidden posts and threads only for moderators (forum/visibility.py's
    rule, as lists of the few ids it excludes: both indexed, so no search reads the posts table)."""
    deleted = db.select(Post.id).where(Post.deleted_at.is_not(None))
    if visibility.sees_hidden():
        return [pool.c.post_id.not_in(deleted)]
    # Two indexed lookups (SQLite reads no index for an OR of the two).
    gone = sa.union_all(deleted, visibility.hidden_post_ids())
    return [pool.c.post_id.not_in(gone), pool.c.thread_id.not_in(visibility.hidden_thread_ids())]


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
    return literal_column("search_documents.vector").op("@@")(tsquery), tsquery


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



