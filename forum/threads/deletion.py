"""Who may delete and restore a post, and for how long an author may undo their own deletion.

The author or a moderator deletes (after a confirmation page). The author may undo their own
deletion for POST_UNDO_DELETE_MINUTES; a moderator restores any deleted post at any time. A
deletion by a moderator is theirs to undo, never the author's.
"""
from __future__ import annotations

import html
from datetime import datetime, timedelta

import nh3
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..models import Post, User, utcnow

EXCERPT_CHARS = 280
EXCERPT_READ = 20_000  # of the rendered HTML: an excerpt needs the beginning only


class RestoreRefused(Exception):
    """Why this member may not restore this post (a 403), in the reader's language."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def may_delete(user: User, post: Post) -> bool:
    return bool(user.is_authenticated) and (post.author_id == user.id or user.is_moderator)


def undo_deadline(post: Post) -> datetime | None:
    """Until when the author may undo this deletion; None if they may not (a moderator deleted it,
    or it was deleted before deletions recorded who did it)."""
    if post.deleted_at is None or post.deleted_by_id != post.author_id:
        return None
    return post.deleted_at + timedelta(minutes=current_app.config["POST_UNDO_DELETE_MINUTES"])


def check_restore(user: User, post: Post, now: datetime | None = None) -> None:
    """Raise RestoreRefused unless `user` may restore the deleted `post` now."""
    if user.is_moderator:
        return
    if post.author_id != user.id:
        raise RestoreRefused(_l("Only the author or a moderator can restore a deleted post."))
    if post.deleted_by_id != user.id:
        raise RestoreRefused(_l("A moderator deleted this post; only a moderator can restore it."))
    deadline = undo_deadline(post)
    if deadline is None or (now or utcnow()) >= deadline:
        raise RestoreRefused(_l("The time to undo this deletion has passed. A moderator can still restore it."))


def may_restore(user: User, post: Post) -> bool:
    if not user.is_authenticated or not post.is_deleted:
        return False
    try:
        check_restore(user, post)
    except RestoreRefused:
        return False
    return True


def excerpt(body_html: str, limit: int = EXCERPT_CHARS) -> str:
    """The beginning of a rendered post as plain text (tags dropped by nh3, which is linear)."""
    text = html.unescape(nh3.clean(body_html[:EXCERPT_READ], tags=set()))
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut) + "…"
