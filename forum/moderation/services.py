"""Moderators' writes on threads and posts: pin, lock, move, hide, restore.

Each is idempotent (pinning a pinned thread changes nothing, and records nothing) and commits at once,
with its audit entry (forum/audit) in the same transaction. Hiding moves a
thread's reply count with a conditional UPDATE, so two moderators hiding the same reply at the same
moment count it once: the count members see stays the number of replies they can read.
"""
from __future__ import annotations

from sqlalchemy import update

from ..audit import record
from ..extensions import db
from ..models import Category, Post, Thread, User, utcnow


def set_pinned(thread: Thread, pinned: bool) -> None:
    if pinned and thread.pinned_at is None:
        thread.pinned_at = utcnow()
        record("thread.pin", "thread", thread.id)
    elif not pinned and thread.pinned_at is not None:
        thread.pinned_at = None
        record("thread.unpin", "thread", thread.id)
    db.session.commit()


def set_locked(thread: Thread, locked: bool) -> None:
    if locked and thread.locked_at is None:
        thread.locked_at = utcnow()
        record("thread.lock", "thread", thread.id)
    elif not locked and thread.locked_at is not None:
        thread.locked_at = None
        record("thread.unlock", "thread", thread.id)
    db.session.commit()


def move(thread: Thread, category: Category) -> None:
    if thread.category_id != category.id:
        record("thread.move", "thread", thread.id, before={"category": thread.category.slug},
               after={"category": category.slug})
        thread.category_id = category.id
    db.session.commit()
    db.session.refresh(thread)  # the `category` relationship follows the new id


def hide(post: Post, moderator: User, reason: str | None = None) -> bool:
    """Hide the post from members; False if it was hidden already."""
    changed = db.session.execute(
        update(Post).where(Post.id == post.id, Post.hidden_at.is_(None))
        .values(hidden_at=utcnow(), hidden_by_id=moderator.id).execution_options(synchronize_session=False)
    ).rowcount == 1
    if changed:
        record("post.hide", "post", post.id, actor=moderator, reason=reason)
        if post.thread.first_post_id != post.id:
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
    if changed:
        record("post.restore", "post", post.id)
        if post.thread.first_post_id != post.id:
            _count_reply(post.thread_id, +1)
    db.session.commit()
    db.session.refresh(post)
    return changed


def _count_reply(thread_id: int, step: int) -> None:
    db.session.execute(update(Thread).where(Thread.id == thread_id)
                       .values(reply_count=Thread.reply_count + step).execution_options(synchronize_session=False))
