"""Creating, re-sending and revoking invitations: shared by the admin pages and the command line.
Each is in the audit log (a command's entry has no actor).

An invitation is emailed to the invited address in its language (the one the admin picked, else
the city's default). The link's token travels in the outbox row's payload only until the email is
sent (Composed(secret=True) empties it); the invitation itself keeps only the token's hash."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from .audit import record
from .extensions import db
from .mail import outbox
from .models import City, Email, Invite, Role, User, utcnow
from .urls import external_url


def create_invite(email: str, city: City, role: Role, created_by: User | None = None,
                  language: str | None = None) -> tuple[Invite, str]:
    """Store a new invite, queue its email and return it with its link. The token itself is never
    stored on the invite. `language`: the email's (None: the city's default language)."""
    token = secrets.token_urlsafe(32)
    invite = Invite(
        token_hash=Invite.hash_token(token),
        email=email.strip().lower(),
        city=city,
        role=role,
        created_by=created_by,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITE_DAYS"]),
        language=language or None,
    )
    db.session.add(invite)
    db.session.flush()  # its id, for the audit entry
    after = {"email": invite.email, "role": role.value, "city": city.name, "city_id": city.id}
    if invite.language:  # picked by the admin (else the city's default language)
        after["language"] = invite.language
    record("invite.create", "invite", invite.id, actor=created_by, after=after)
    queued = _queue_email(invite, token)
    db.session.commit()
    outbox.dispatch([queued.id])
    return invite, invite_link(token)


def resend_invite(invite_id: int, actor: User | None = None) -> tuple[Invite, str] | None:
    """A new token for an unused, unrevoked invitation (pending or expired), on the same row: the old
    link stops working, the expiry starts again, a new email is queued. None when the invitation was
    used or revoked meanwhile (conditional, like revoking, so a concurrent acceptance wins cleanly)."""
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=current_app.config["INVITE_DAYS"])
    changed = db.session.execute(
        update(Invite).where(Invite.id == invite_id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        .values(token_hash=Invite.hash_token(token), expires_at=expires_at)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        return None
    invite = db.session.get(Invite, invite_id)
    db.session.refresh(invite)
    record("invite.resend", "invite", invite.id, actor=actor,
           after={"email": invite.email, "language": email_language(invite)})
    queued = _queue_email(invite, token)
    db.session.commit()
    outbox.dispatch([queued.id])
    return invite, invite_link(token)


def revoke_invites(*conditions) -> int:
    """Revoke the unused, unrevoked invitations matching `conditions` (e.g. Invite.id == 3);
    returns how many. Conditional, so an invitation being accepted right now is either used or
    revoked, never both. An invitation email still waiting in the outbox is then cancelled by its
    composer (forum/auth/emails.py), which finds the invitation no longer usable."""
    rows = db.session.execute(
        update(Invite).where(Invite.used_at.is_(None), Invite.revoked_at.is_(None), *conditions)
        .values(revoked_at=utcnow()).returning(Invite.id, Invite.email)
    ).all()
    for invite_id, email in rows:
        record("invite.revoke", "invite", invite_id, before={"email": email})
    db.session.commit()
    return len(rows)


def email_language(invite: Invite) -> str:
    """The invitation email's language: the one picked, else the city's default language."""
    return invite.language or invite.city.default_language


def _queue_email(invite: Invite, token: str) -> Email:
    # The hash tells the composer which token this email carries: after a re-send, an older email
    # still waiting would carry a dead link, and is cancelled instead of sent.
    invite.sent_at = utcnow()
    return outbox.queue_email("invite", invite.email,
                              {"invite_id": invite.id, "token": token, "token_hash": invite.token_hash},
                              language=email_language(invite))


def invite_link(token: str) -> str:
    """On SERVER_BASE_URL, in a page as on the command line: never the Host header a request brought."""
    return external_url("auth.accept_invite", token=token)
