"""Creating and revoking invitations: shared by the admin pages and the command line. Each is in
the audit log (a command's entry has no actor)."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from .audit import record
from .extensions import db
from .models import City, Invite, Role, User, utcnow
from .urls import external_url


def create_invite(email: str, city: City, role: Role, created_by: User | None = None) -> tuple[Invite, str]:
    """Store a new invite and return it with its link. The token itself is never stored."""
    token = secrets.token_urlsafe(32)
    invite = Invite(
        token_hash=Invite.hash_token(token),
        email=email.strip().lower(),
        city=city,
        role=role,
        created_by=created_by,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITE_DAYS"]),
    )
    db.session.add(invite)
    db.session.flush()  # its id, for the audit entry
    record("invite.create", "invite", invite.id, actor=created_by,
           after={"email": invite.email, "role": role.value, "city": city.name, "city_id": city.id})
    db.session.commit()
    return invite, invite_link(token)


def revoke_invites(*conditions) -> int:
    """Revoke the unused, unrevoked invitations matching `conditions` (e.g. Invite.id == 3);
    returns how many. Conditional, so an invitation being accepted right now is either used or
    revoked, never both."""
    rows = db.session.execute(
        update(Invite).where(Invite.used_at.is_(None), Invite.revoked_at.is_(None), *conditions)
        .values(revoked_at=utcnow()).returning(Invite.id, Invite.email)
    ).all()
    for invite_id, email in rows:
        record("invite.revoke", "invite", invite_id, before={"email": email})
    db.session.commit()
    return len(rows)


def invite_link(token: str) -> str:
    """On SERVER_BASE_URL, in a page as on the command line: never the Host header a request brought."""
    return external_url("auth.accept_invite", token=token)
