"""Search across languages: a post matches in its original text or in its translation into the
reader's language, so a Portuguese reader finds a Spanish post with Portuguese words.

Plain LIKE on both databases: fine for the network's size; PostgreSQL full-text search is the
next step when it grows (it needs per-language configurations for en/es/pt)."""
from __future__ import annotations

from sqlalchemy import and_, func, or_

from . import visibility
from .extensions import db
from .models import Post, PostTranslation, Thread
from .threads import reading

MAX_RESULTS = 50


def search_posts(query: str, language: str, limit: int = MAX_RESULTS) -> list[reading.PostView]:
    needle = query.lower()

    def has(column):
        return func.lower(column).contains(needle, autoescape=True)

    # Only a translation of the current revision: words the author removed must not match.
    translated = db.select(PostTranslation.post_id).join(Post, Post.id == PostTranslation.post_id).where(
        PostTranslation.language == language, PostTranslation.revision == Post.revision,
        or_(has(PostTranslation.body), has(PostTranslation.title)))
    ids = db.select(Post.id).join(Thread, Thread.id == Post.thread_id).where(
        Post.deleted_at.is_(None),  # deleted posts never show up, in any language
        visibility.visible_posts(),  # nor hidden ones (post_views filters too; here for the limit)
        or_(has(Post.body), and_(Thread.first_post_id == Post.id, has(Thread.title)), Post.id.in_(translated)),
    ).order_by(Post.id.desc()).limit(limit)
    return reading.post_views(db.select(Post).where(Post.id.in_(ids)), language)[::-1]  # newest first
