"""The daily digest: one email for members who chose "daily", with what they have not read or been emailed.

Run at the start of every outbox round (outbox.send_round). For each due member, one transaction:
claim the member's digest slot (a conditional UPDATE of last_digest_at, so two workers never both
queue one), mark the notifications emailed, queue the email. A crash before the commit leaves
nothing done (the next round does it); after it, the email row is the outbox's to send. So a
notification is never lost between the two and never in two digests.

The 50 newest notifications are listed; older ones still waiting are counted ("and 12 more") and
marked emailed too, so a member back from holiday gets one digest, not a week of them.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, or_, update

from ..extensions import db
from ..models import EmailFrequency, Notification, User, utcnow
from . import outbox

PER_DIGEST = 50          # notifications listed in one digest
MEMBERS_PER_ROUND = 200  # digests queued per worker round: a backlog of members does not stall the mail


def _waiting(user_id):
    return (Notification.user_id == user_id) & Notification.emailed_at.is_(None) & Notification.read_at.is_(None)


def _due(cutoff):
    return ((User.email_frequency == EmailFrequency.DAILY) & User.suspended.is_(False)
            & or_(User.last_digest_at.is_(None), User.last_digest_at <= cutoff))


def schedule(limit: int = MEMBERS_PER_ROUND) -> int:
    """Queue the digests that are due (each committed on its own); how many were queued."""
    now = utcnow()
    cutoff = now - timedelta(hours=current_app.config["MAIL_DIGEST_HOURS"])
    members = db.session.execute(
        db.select(User.id).where(_due(cutoff), exists().where(_waiting(User.id)))
        .order_by(User.last_digest_at.is_not(None), User.last_digest_at, User.id).limit(limit)).scalars().all()
    db.session.commit()
    # No wake-up needed: the round that called us sends what it queued right after.
    return sum(_queue_one(user_id, now, cutoff) is not None for user_id in members)


def _queue_one(user_id: int, now, cutoff) -> int | None:
    try:
        # The claim: only one worker's UPDATE matches (PostgreSQL re-checks the WHERE after the row lock).
        if db.session.execute(update(User).where(User.id == user_id, _due(cutoff))
                              .values(last_digest_at=now)).rowcount != 1:
            db.session.rollback()
            return None
        waiting = db.session.execute(
            db.select(Notification.id).where(_waiting(user_id))
            .order_by(Notification.created_at.desc(), Notification.id.desc())).scalars().all()
        if not waiting:  # read on the site since the query above
            db.session.rollback()
            return None
        ids = waiting[:PER_DIGEST]
        db.session.execute(update(Notification).where(Notification.id.in_(waiting), Notification.emailed_at.is_(None))
                           .values(emailed_at=now))
        user = db.session.get(User, user_id)
        email = outbox.queue_email("digest", user, {"notification_ids": sorted(ids), "more": len(waiting) - len(ids)})
        db.session.commit()
        return email.id
    except Exception:
        db.session.rollback()
        raise
