"""One-click unsubscribe links (RFC 8058) for the emails about notifications.

The token is signed (itsdangerous, SECRET_KEY, its own salt) and never expires: a link in a months-old
email must still work, and all it can do is turn that member's notification emails off. It carries
the member's id and a short digest of their address, so a link sent to an address the member has
since left stops working (whoever reads the old mailbox no longer speaks for the account)."""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from ..extensions import db
from ..models import User
from ..urls import external_url

SALT = "forum.mail.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _address_digest(user: User) -> str:
    return hashlib.sha256(user.email.strip().lower().encode()).hexdigest()[:10]


def make_token(user: User) -> str:
    return _serializer().dumps([user.id, _address_digest(user)])


def member_for(token: str) -> User | None:
    """The member a token was made for; None for a forged, damaged or outdated token."""
    try:
        data = _serializer().loads(token)
    except (BadData, UnicodeError, ValueError):
        return None
    if not (isinstance(data, list) and len(data) == 2 and type(data[0]) is int and isinstance(data[1], str)):
        return None
    if not 0 < data[0] <= 2**31 - 1:
        return None
    user = db.session.get(User, data[0])
    if user is None or _address_digest(user) != data[1]:
        return None
    return user


def unsubscribe_url(user: User) -> str:
    return external_url("mail.unsubscribe", token=make_token(user))


def headers(user: User) -> dict[str, str]:
    """List-Unsubscribe with its one-click POST (RFC 8058), for every email about notifications."""
    return {"List-Unsubscribe": f"<{unsubscribe_url(user)}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
