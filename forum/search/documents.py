"""What is searchable: each post's original and its current translations (forum/models.py
SearchDocument), rewritten whenever one of them changes, in the transaction of that change.

Callers: writing a post (forum/threads/services.py), storing a machine translation (forum/jobs.py),
saving a correction (forum/corrections/services.py), and migration 0010, which indexes what was
there before. Hidden and deleted posts keep their documents (a restore needs no re-indexing): the
query leaves them out (forum/search/engines.py).
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import delete, insert, select, text

from ..models import Post, PostTranslation, SearchDocument, Thread, TranslationCorrection
from .text import plain_text, terms, words

CHUNK = 500


def refresh(post_ids: Iterable[int], executor=None) -> int:
    """Rewrite the documents of these posts from what the database holds now; returns how many were
    written. `executor`: a Session or Connection (default: the Flask-SQLAlchemy session)."""
    if executor is None:
        from ..extensions import db

        executor = db.session
    ids = sorted({int(i) for i in post_ids})
    written = 0
    for start in range(0, len(ids), CHUNK):
        written += _refresh_chunk(executor, ids[start:start + CHUNK])
    return written


def _refresh_chunk(ex, ids: list[int]) -> int:
    posts = ex.execute(
        select(Post.id, Post.thread_id, Post.language, Post.revision, Post.body_html, Thread.first_post_id,
               Thread.title).join(Thread, Thread.id == Post.thread_id).where(Post.id.in_(ids))).all()
    translations = {(r.post_id, r.language): r for r in ex.execute(
        select(PostTranslation.post_id, PostTranslation.language, PostTranslation.revision,
               PostTranslation.title, PostTranslation.body_html).where(PostTranslation.post_id.in_(ids)))}
    corrections = {(r.post_id, r.language): r for r in ex.execute(
        select(TranslationCorrection.post_id, TranslationCorrection.language, TranslationCorrection.revision,
               TranslationCorrection.title, TranslationCorrection.body_html)
        .where(TranslationCorrection.post_id.in_(ids)))}
    rows = []

    def indexed(html: str) -> str:
        # Words only, as the forum splits them: both engines then see the same words (PostgreSQL's
        # parser would otherwise take "<script>" in a post's text for a tag and drop it).
        return " ".join(words(plain_text(html)))

    for post in posts:
        first = post.first_post_id == post.id
        rows.append({"post_id": post.id, "thread_id": post.thread_id, "language": post.language,
                     "source": "original", "title": " ".join(words(post.title)) if first else None,
                     "body": indexed(post.body_html)})
        for language in {"en", "es", "pt"} - {post.language}:
            machine = translations.get((post.id, language))
            machine = machine if machine is not None and machine.revision == post.revision else None
            person = corrections.get((post.id, language))
            person = person if person is not None and person.revision == post.revision else None
            chosen = person or machine
            if chosen is None:
                continue  # not translated yet (or not at all): found through its original only
            title = None
            if first:
                title = " ".join(words((person.title if person is not None and person.title else None) or (
                    machine.title if machine is not None else None) or ""))
            rows.append({"post_id": post.id, "thread_id": post.thread_id, "language": language,
                         "source": "reviewed" if chosen is person else "machine", "title": title,
                         "body": indexed(chosen.body_html)})
    fts = _dialect(ex) == "sqlite"
    if fts:
        ex.execute(text("DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_documents "
                        "WHERE post_id IN (SELECT value FROM json_each(:ids)))"), {"ids": _json(ids)})
    ex.execute(delete(SearchDocument).where(SearchDocument.post_id.in_(ids)))
    if rows:
        ex.execute(insert(SearchDocument), rows)
    if fts and rows:
        stored = ex.execute(select(SearchDocument.id, SearchDocument.language, SearchDocument.title,
                                   SearchDocument.body).where(SearchDocument.post_id.in_(ids))).all()
        ex.execute(text("INSERT INTO search_fts (rowid, title, body) VALUES (:id, :title, :body)"),
                   [{"id": d.id, "title": terms(d.title or "", d.language), "body": terms(d.body, d.language)}
                    for d in stored])
    return len(rows)


def _dialect(ex) -> str:
    return ex.dialect.name if hasattr(ex, "dialect") else ex.get_bind().dialect.name


def _json(ids: list[int]) -> str:
    return "[" + ",".join(str(i) for i in ids) + "]"
