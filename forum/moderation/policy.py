"""What moderation changes about who may write: locked threads and the best-practice category.

Pages and the API ask these functions (and show their messages), so both refuse the same things.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import Category, CategoryKind, Post, Thread, User

LOCKED = _l("This thread is locked: it takes no new replies or edits.")
CURATED = _l("Only moderators can start threads in Best practices.")
NOT_AUTHOR = _l("Only the author can edit a post.")  # (or a moderator: they are never refused)


def can_start_thread(user: User, category: Category) -> bool:
    # Best practices is curated: moderators start (or move) threads there for the library.
    return category.kind != CategoryKind.BEST_PRACTICES or user.is_moderator


def can_reply(user: User, thread: Thread) -> bool:
    return thread.locked_at is None or user.is_moderator


def edit_refusal(user: User, post: Post):
    """Why `user` may not edit `post` (a message), or None if they may."""
    if user.is_moderator:
        return None
    if post.author_id != user.id:
        return NOT_AUTHOR
    if post.thread.locked_at is not None:
        return LOCKED
    return None
