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
