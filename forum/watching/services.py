"""Watch levels: the data every other feature asks (who is notified of a new post).

A thread's own level wins over its category's; no row at all is "regular": no notification of
new posts (mentions and one's own question still notify), unread counts only for threads read before.
"""
from __future__ import annotations

from sqlalchemy import and_, or_

from ..extensions import db
from ..models import Post, Thread, User, Watch, WatchLevel, utcnow
from ..translation_memory import dialect_insert


def thread_level(user: User, thread: Thread) -> WatchLevel | None:
    """The member's effective level for the thread (its own row, else its category's), or None."""
    rows = dict(db.session.execute(
        db.select(Watch.thread_id, Watch.level).where(
            Watch.user_id == user.id,
            or_(Watch.thread_id == thread.id, Watch.category_id == thread.category_id))).all())
    return rows.get(thread.id) or rows.get(None)


def thread_levels(user: User, thread: Thread) -> tuple[WatchLevel | None, WatchLevel | None]:
    """The member's own level for the thread and their category's level, in one query."""
    rows = dict(db.session.execute(
        db.select(Watch.thread_id, Watch.level).where(
            Watch.user_id == user.id,
            or_(Watch.thread_id == thread.id, Watch.category_id == thread.category_id))).all())
    return rows.get(thread.id), rows.get(None)


def explicit_thread_level(user: User, thread: Thread) -> WatchLevel | None:
    return db.session.execute(db.select(Watch.level).filter_by(user_id=user.id, thread_id=thread.id)).scalar()


def set_thread_level(user: User, thread: Thread, level: WatchLevel) -> None:
    """Choose the member's level for one thread (caller commits)."""
    _upsert(user, level, thread_id=thread.id)


def clear_thread_level(user: User, thread: Thread) -> None:
    """Drop the member's own level for the thread: it follows its category again (caller commits).
    There is no "regular" row: a thread of a watched category cannot be made regular on its own."""
    db.session.execute(db.delete(Watch).where(Watch.user_id == user.id, Watch.thread_id == thread.id))


def category_level(user: User, category_id: int) -> WatchLevel | None:
    return db.session.execute(db.select(Watch.level).filter_by(user_id=user.id, category_id=category_id)).scalar()


def set_category_level(user: User, category_id: int, level: WatchLevel | None) -> None:
    """Choose the member's level for a whole category; None goes back to regular (caller commits)."""
    if level is None:
        db.session.execute(db.delete(Watch).where(Watch.user_id == user.id, Watch.category_id == category_id))
        return
    _upsert(user, level, category_id=category_id)


def auto_watch(user: User, thread: Thread) -> None:
    """Starting or replying to a thread watches it, unless the member chose a level for it already
    (a muted thread stays muted). Caller commits."""
    db.session.flush()
    insert = dialect_insert(Watch).values(user_id=user.id, thread_id=thread.id, level=WatchLevel.WATCHING,
                                          updated_at=utcnow())
    db.session.execute(insert.on_conflict_do_nothing(index_elements=["user_id", "thread_id"]))


def watchers_of_new_post(post: Post) -> list[int]:
    """Members at level "watching" for the post's thread (or, with no thread row, its category):
    who gets a reply notification. The author is left out; so is every suspended member."""
    thread = post.thread
    own = db.select(Watch.user_id).where(Watch.thread_id == thread.id)
    rows = db.session.execute(
        db.select(Watch.user_id).join(User, User.id == Watch.user_id).where(
            Watch.level == WatchLevel.WATCHING, User.suspended.is_(False), Watch.user_id != post.author_id,
            or_(Watch.thread_id == thread.id,
                and_(Watch.category_id == thread.category_id, Watch.user_id.not_in(own))))
        .distinct()).scalars().all()
    return sorted(rows)


def muted_in(thread: Thread, user_ids: list[int]) -> set[int]:
    """Which of these members muted the thread (its own row, else its category)."""
    if not user_ids:
        return set()
    rows = db.session.execute(db.select(Watch.user_id, Watch.thread_id, Watch.level).where(
        Watch.user_id.in_(user_ids),
        or_(Watch.thread_id == thread.id, Watch.category_id == thread.category_id))).all()
    own = {u: level for u, t, level in rows if t is not None}
    category = {u: level for u, t, level in rows if t is None}
    return {u for u in user_ids if own.get(u, category.get(u)) == WatchLevel.MUTED}


def _upsert(user: User, level: WatchLevel, **target) -> None:
    key = "thread_id" if "thread_id" in target else "category_id"
    insert = dialect_insert(Watch).values(user_id=user.id, level=level, updated_at=utcnow(), **target)
    db.session.execute(insert.on_conflict_do_update(
        index_elements=["user_id", key], set_={"level": insert.excluded.level, "updated_at": insert.excluded.updated_at}))
