"""Personal API tokens: created once (shown once), stored as a hash, revocable."""
from __future__ import annotations

import secrets

from .extensions import db
from .models import ApiToken, User, utcnow

PREFIX = "cnf_"


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
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
