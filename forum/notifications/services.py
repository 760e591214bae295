"""Creating notifications: the one place that knows a notification may also mean an email.

Every notification is added in the transaction of its event (caller commits); for a member who
wants email at once, its email row is queued in the same transaction (the outbox), so neither can
exist without the other. Digests collect the rest later (forum/mail/digests.py).
"""
from __future__ import annotations

from ..extensions import db
from ..models import EmailFrequency, Notification, NotificationKind, Post, Thread, User, utcnow


def add(user: User, kind: NotificationKind, thread: Thread, post: Post | None = None,
        actor: User | None = None, detail: str | None = None) -> Notification | None:
    """Notify `user` (caller commits). None, and nothing added, when it would repeat one (same
    member, kind and post), tell members of their own action, or reach a suspended member."""
    if user.suspended or (actor is not None and actor.id == user.id):
        return None
    if post is not None and db.session.execute(db.select(Notification.id).filter_by(
            user_id=user.id, kind=kind, post_id=post.id)).first() is not None:
        return None
    notification = Notification(user_id=user.id, kind=kind, thread_id=thread.id,
                                post_id=post.id if post is not None else None,
                                actor_id=actor.id if actor is not None else None, detail=detail, created_at=utcnow())
    db.session.add(notification)
    db.session.flush()
    if user.email_frequency == EmailFrequency.IMMEDIATE:
        from ..mail import outbox

        outbox.queue_email("notification", user, {"notification_id": notification.id})
        notification.emailed_at = utcnow()
    return notification


# ---------------------------------------------------------------- reading and marking one's own

def _shown_to(user: User) -> list:
    """WHERE clauses: the member's notifications they may see. One about a post or thread hidden from
    them (a thread hidden later, a moderator's reply in a hidden thread) is left out of the list and
    the header's count, as its email is cancelled, until it is restored; a settled report stays (it
    tells of the hiding itself and names nobody)."""
    from sqlalchemy import or_

    from .. import visibility

    where = [Notification.user_id == user.id]
    if not visibility.sees_hidden(user):
        where.append(or_(Notification.kind == NotificationKind.FLAG_RESOLVED, (
            Notification.thread_id.not_in(visibility.hidden_thread_ids())
            & or_(Notification.post_id.is_(None), Notification.post_id.not_in(visibility.hidden_post_ids())))))
    return where


def page_of(user: User, page: int, per_page: int):
    """A page of the member's notifications, newest first (reading.Page of Notification)."""
    from sqlalchemy.orm import selectinload

    from ..threads.reading import Page

    total = db.session.execute(db.select(db.func.count(Notification.id)).where(*_shown_to(user))).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    # Each sentence names its actor and asks its thread and post: loaded for the page at once, not
    # three queries per notification.
    rows = db.session.execute(
        db.select(Notification).where(*_shown_to(user))
        .options(selectinload(Notification.actor), selectinload(Notification.thread),
                 selectinload(Notification.post))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return Page(page=page, per_page=per_page, total=total, items=list(rows))


def unread_count(user: User) -> int:
    """The header's number: one COUNT on the (user_id, read_at) index."""
    return db.session.execute(db.select(db.func.count(Notification.id)).where(
        *_shown_to(user), Notification.read_at.is_(None))).scalar_one()


def own(user: User, notification_id: int) -> Notification | None:
    """The member's notification with this id; None for anyone else's (a 404, as if it did not exist)."""
    return db.session.execute(db.select(Notification).filter_by(id=notification_id, user_id=user.id)).scalar_one_or_none()


def mark_read(user: User, ids: list[int] | None = None) -> int:
    """Mark the member's unread notifications (these ids, or all with None) read; returns how many
    changed. Ids of other members' notifications change nothing. Caller commits."""
    from sqlalchemy import update

    where = [Notification.user_id == user.id, Notification.read_at.is_(None)]
    if ids is not None:
        if not ids:
            return 0
        where.append(Notification.id.in_(sorted(set(ids))))
    return db.session.execute(update(Notification).where(*where).values(read_at=utcnow())
                              .execution_options(synchronize_session=False)).rowcount
