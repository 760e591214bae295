"""Personal API tokens: created once (shown once), stored as a hash, revocable."""
from __future__ import annotations

import secrets

from sqlalchemy import func, update

from .extensions import db
from .models import ApiToken, User, utcnow

PREFIX = "cnf_"


class TooManyTokens(Exception):
    """The member already holds the most live tokens allowed."""


def live_token_count(user: User) -> int:
    return db.session.execute(
        db.select(func.count(ApiToken.id)).filter_by(user_id=user.id, revoked_at=None)).scalar_one()


def create_token(user: User, name: str, max_live: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; with `max_live`, refused (TooManyTokens) when they already hold that many."""
    if max_live is not None:
        # Lock the owner's row (PostgreSQL) so two requests at once cannot both pass the count.
        db.session.execute(db.select(User.id).filter_by(id=user.id).with_for_update())
        if live_token_count(user) >= max_live:
            db.session.rollback()
            raise TooManyTokens
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, name=name, token_hash=ApiToken.hash_token(token), prefix=token[:12])
    db.session.add(row)
    db.session.commit()
    return row, token


def user_for_token(token: str) -> User | None:
    """The active member owning this unrevoked token, or None."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = db.session.execute(
        db.select(ApiToken).filter_by(token_hash=ApiToken.hash_token(token), revoked_at=None)
    ).scalar_one_or_none()
    if row is None or row.user.suspended:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return row.user


def revoke_token(user: User, token_id: int) -> bool:
    """Revoke one of the member's own tokens; False if it is not theirs (or does not exist)."""
    row = db.session.execute(db.select(ApiToken).filter_by(id=token_id, user_id=user.id, revoked_at=None)
                             ).scalar_one_or_none()
    if row is None:
        return False
    row.revoked_at = utcnow()
    db.session.commit()
    return True


def revoke_all_tokens(user: User) -> int:
    """Revoke every live token of `user` (password change, suspension) in the caller's transaction;
    the caller commits. Returns how many were live."""
    return db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    ).rowcount
