"""Moderators' writes on threads and posts: pin, lock, move, hide, restore.

Each is idempotent (pinning a pinned thread changes nothing) and commits at once. Hiding moves a
thread's reply count with a conditional UPDATE, so two moderators hiding the same reply at the same
moment count it once: the count members see stays the number of replies they can read.
"""
from __future__ import annotations

from sqlalchemy import update

from ..extensions import db
from ..models import Category, Post, Thread, User, utcnow


def set_pinned(thread: Thread, pinned: bool) -> None:
    if pinned and thread.pinned_at is None:
        thread.pinned_at = utcnow()
    elif not pinned:
        thread.pinned_at = None
    db.session.commit()


def set_locked(thread: Thread, locked: bool) -> None:
    if locked and thread.locked_at is None:
        thread.locked_at = utcnow()
    elif not locked:
        thread.locked_at = None
    db.session.commit()


def move(thread: Thread, category: Category) -> None:
    thread.category_id = category.id
    db.session.commit()
    db.session.refresh(thread)  # the `category` relationship follows the new id


def hide(post: Post, moderator: User) -> bool:
    """Hide the post from members; False if it was hidden already."""
    changed = db.session.execute(
        update(Post).where(Post.id == post.id, Post.hidden_at.is_(None))
        .values(hidden_at=utcnow(), hidden_by_id=moderator.id).execution_options(synchronize_session=False)
    ).rowcount == 1
    if changed and post.thread.first_post_id != post.id:
        _count_reply(post.thread_id, -1)
    db.session.commit()
    db.session.refresh(post)
    return changed


def restore(post: Post) -> bool:
    """Show a hidden post again; False if it was not hidden."""
    changed = db.session.execute(
        update(Post).where(Post.id == post.id, Post.hidden_at.is_not(None))
        .values(hidden_at=None, hidden_by_id=None).execution_options(synchronize_session=False)
    ).rowcount == 1
    if changed and post.thread.first_post_id != post.id:
        _count_reply(post.thread_id, +1)
    db.session.commit()
    db.session.refresh(post)
    return changed


def _count_reply(thread_id: int, step: int) -> None:
    db.session.execute(update(Thread).where(Thread.id == thread_id)
                       .values(reply_count=Thread.reply_count + step).execution_options(synchronize_session=False))
