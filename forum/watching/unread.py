"""Unread tracking: how far a member has read each thread (ThreadRead) and what is new since.

What counts as new: a post the member may see (forum/visibility.py), not deleted, not their own, with
an id above the newest post they had on screen. A muted thread (its own level, else its category's)
counts nothing; a thread never opened counts as "new" only when tracked or watched.

Where a member lands: the lists' "N new" links to /t/<id>?unread=1, which redirects to the page
holding the first new post, at its anchor. A thread opened plainly (no ?page=) shows page 1 with a
"Jump to the first unread post" link when there is one. Viewing a page moves the mark to the newest
post on it (never back). Visitors get none of this.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_
from sqlalchemy.orm import aliased

from .. import visibility
from ..extensions import db
from ..models import Post, Thread, ThreadRead, User, Watch, WatchLevel, utcnow
from ..translation_memory import dialect_insert

FOLLOWED = (WatchLevel.TRACKING, WatchLevel.WATCHING)


@dataclass(frozen=True)
class Unread:
    count: int            # new posts since the last visit (0 for a thread never opened)
    never_opened: bool    # tracked or watched, not opened yet: the whole thread is new


def _new_posts(post, user: User, after):
    """The join condition of the posts that are new for `user` after post id `after`."""
    return and_(post.id > after, post.deleted_at.is_(None), post.author_id != user.id,
                visibility.visible_posts(post, user))


def counts(user: User, thread_ids: list[int]) -> dict[int, Unread]:
    """What is new for the member in each of these threads, in one grouped query; threads with
    nothing to show are left out."""
    if not thread_ids:
        return {}
    own, category, post = aliased(Watch), aliased(Watch), aliased(Post)
    rows = db.session.execute(
        db.select(Thread.id, ThreadRead.last_read_post_id, own.level, category.level, db.func.count(post.id))
        .outerjoin(ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == user.id))
        .outerjoin(own, and_(own.thread_id == Thread.id, own.user_id == user.id))
        .outerjoin(category, and_(category.category_id == Thread.category_id, category.user_id == user.id))
        .outerjoin(post, and_(post.thread_id == Thread.id, _new_posts(post, user, ThreadRead.last_read_post_id)))
        .where(Thread.id.in_(thread_ids))
        .group_by(Thread.id, ThreadRead.last_read_post_id, own.level, category.level)).all()
    result = {}
    for thread_id, last_read, own_level, category_level, new in rows:
        level = own_level or category_level
        if level == WatchLevel.MUTED:
            continue
        if last_read is None:
            if level in FOLLOWED:
                result[thread_id] = Unread(0, True)
        elif new:
            result[thread_id] = Unread(new, False)
    return result


@dataclass(frozen=True)
class ReadingState:
    last_read_post_id: int | None   # None: never opened
    first_unread_post_id: int | None


def reading_state(user: User, thread: Thread) -> ReadingState:
    """The member's read mark for the thread and the first post new since, in one query."""
    post = aliased(Post)
    row = db.session.execute(
        db.select(ThreadRead.last_read_post_id, db.func.min(post.id))
        .outerjoin(post, and_(post.thread_id == ThreadRead.thread_id,
                              _new_posts(post, user, ThreadRead.last_read_post_id)))
        .where(ThreadRead.user_id == user.id, ThreadRead.thread_id == thread.id)
        .group_by(ThreadRead.last_read_post_id)).first()
    return ReadingState(row[0], row[1]) if row else ReadingState(None, None)


def mark_read(user: User, thread: Thread, post_id: int) -> None:
    """The member has seen the thread up to `post_id`: one upsert that never lowers the mark (an
    older page read later leaves it where it was). Caller commits."""
    insert = dialect_insert(ThreadRead).values(user_id=user.id, thread_id=thread.id, last_read_post_id=post_id,
                                               read_at=utcnow())
    db.session.execute(insert.on_conflict_do_update(
        index_elements=["user_id", "thread_id"],
        set_={"last_read_post_id": insert.excluded.last_read_post_id, "read_at": insert.excluded.read_at},
        where=ThreadRead.last_read_post_id < insert.excluded.last_read_post_id))
