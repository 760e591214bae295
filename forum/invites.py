"""Creating invitations: shared by the admin pages and the command line."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, has_request_context, url_for

from .extensions import db
from .models import City, Invite, Role, User, utcnow


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
    db.session.commit()
    return invite, invite_link(token)


def invite_link(token: str) -> str:
    """In a page, the address the admin is using; on the command line, SERVER_BASE_URL."""
    if has_request_context():
        return url_for("auth.accept_invite", token=token, _external=True)
    path = current_app.url_map.bind("localhost").build("auth.accept_invite", {"token": token})
    return current_app.config["SERVER_BASE_URL"].rstrip("/") + path
