"""The account emails: an invitation to join, and a "forgot your password?" link.

Both carry a secret link, so both are composed with Composed(secret=True): the outbox empties the
payload (which holds the token, because only its hash is stored elsewhere) once the server has the
message. Both check at send time that the link still works, and cancel otherwise: an invitation
revoked, used, expired or sent again since; a reset used, expired, superseded by a newer one, or
its member suspended."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from ..extensions import db
from ..i18n import ROLE_NAMES
from ..mail.outbox import Cancel, Composed, composer
from ..models import Email, Invite, PasswordReset, User, digest_token, utcnow
from ..urls import external_url


def _token(payload: dict, stored_hash: str) -> str:
    """The payload's token, if it is the one whose hash is stored now (else a newer one replaced it)."""
    token = payload.get("token")
    if not isinstance(token, str) or not token or payload.get("token_hash") != stored_hash \
            or digest_token(token) != stored_hash:
        raise Cancel("the link in this email was replaced by a newer one")
    return token


@composer("invite", secret=True)
def compose_invite(email: Email, payload: dict) -> Composed:
    from ..invites import invite_link

    invite = db.session.get(Invite, payload.get("invite_id") or 0)
    if invite is None:
        raise Cancel("the invitation no longer exists")
    if not invite.is_usable:
        raise Cancel(f"the invitation is {invite.status}")
    token = _token(payload, invite.token_hash)
    if db.session.execute(db.select(User.id).filter_by(email=invite.email)).first():
        raise Cancel("a member with this address exists")
    context = {"link": invite_link(token), "invite": invite, "city": invite.city,
               "inviter": invite.created_by.display_name if invite.created_by else None,
               "role": ROLE_NAMES[invite.role.value], "expires_at": invite.expires_at}
    return Composed(subject=_("You are invited to the City network forum"),
                    text=render_template("auth/email/invite.txt", **context),
                    html=render_template("auth/email/invite.html", **context), secret=True)


@composer("password_reset", secret=True)
def compose_password_reset(email: Email, payload: dict) -> Composed:
    reset = db.session.get(PasswordReset, payload.get("reset_id") or 0)
    if reset is None:
        raise Cancel("the reset no longer exists")
    if reset.used_at is not None:
        raise Cancel("the reset link was used or replaced by a newer one")
    if reset.expires_at <= utcnow():
        raise Cancel("the reset link expired before it could be sent")
    if reset.user.suspended:
        raise Cancel("the member is suspended")
    token = _token(payload, reset.token_hash)
    # What is left of its life when it leaves (a whole number of minutes, at least one).
    minutes = max(1, int((reset.expires_at - utcnow()).total_seconds() // 60))
    context = {"link": external_url("auth.reset_password", token=token), "member": reset.user, "minutes": minutes}
    return Composed(subject=_("Reset your password"),
                    text=render_template("auth/email/password_reset.txt", **context),
                    html=render_template("auth/email/password_reset.html", **context), secret=True)
