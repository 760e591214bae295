"""Who sees hidden posts: the one rule every read path goes through.

A post a moderator hid (Post.hidden_at) is gone for everyone else: its text, its translations, its
author, and, when it is a thread's first post, the whole thread (lists, counts, its page, its
replies). Moderators see everything, marked hidden. The rule is written once, as SQL clauses, and
applied inside the shared readers (forum/threads/reading.py: post_views, thread_titles, counts), so a
new page built on them cannot forget it; pages that fetch one row by id ask `post_is_visible` or
`thread_is_visible`.

Outside a request (CLI, exports, jobs) nobody is a moderator: the safe default.
"""
from __future__ import annotations

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import true
from sqlalchemy.orm import aliased

from .extensions import db
from .models import Post, Thread, User


def reader() -> User | None:
    """Who is reading: the API's token owner in the API (never its session cookie), else the
    logged-in member of the page; None for a visitor or outside a request."""
    if not has_request_context():
        return None
    if request.blueprint == "api":
        return g.get("api_user")
    return current_user if current_user.is_authenticated else None


def sees_hidden(user: User | None = None) -> bool:
    user = user if user is not None else reader()
    return bool(user is not None and user.is_moderator)


def hidden_post_ids():
    """The posts a moderator hid (a handful): a subquery of their ids, read from the hidden_at index."""
    return db.select(Post.id).where(Post.hidden_at.is_not(None))


def hidden_thread_ids():
    """Threads whose first post is hidden (a handful): a subquery of their ids, found from the hidden
    posts (indexed) rather than by reading every thread."""
    first = aliased(Post)
    return db.select(first.thread_id).where(
        first.id.in_(hidden_post_ids()),
        db.select(Thread.id).where(Thread.id == first.thread_id, Thread.first_post_id == first.id).exists())


def visible_posts(post=Post, user: User | None = None):
    """A WHERE clause: the posts (of `post`, an entity or alias) this reader may see."""
    if sees_hidden(user):
        return true()
    return post.hidden_at.is_(None) & post.thread_id.not_in(hidden_thread_ids())


def visible_threads(thread=Thread, user: User | None = None):
    """A WHERE clause: the threads (of `thread`, an entity or alias) this reader may see."""
    if sees_hidden(user):
        return true()
    return thread.id.not_in(hidden_thread_ids())


def post_is_visible(post: Post, user: User | None = None) -> bool:
    if sees_hidden(user):
        return True
    return db.session.execute(
        db.select(Post.id).where(Post.id == post.id, visible_posts(Post, user))).first() is not None


def thread_is_visible(thread: Thread, user: User | None = None) -> bool:
    if sees_hidden(user):
        return True
    return db.session.execute(
        db.select(Thread.id).where(Thread.id == thread.id, visible_threads(Thread, user))).first() is not None
