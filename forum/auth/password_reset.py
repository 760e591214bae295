""""Forgot your password?": a link by email, single use, expiring, only its hash stored.

The answer to a request is the same whether the address belongs to a member, to a suspended one
or to nobody (a page saying a link was sent if an account exists), and the work done is nearly the
same: a token is drawn and hashed either way; only a member's request writes rows (the reset and
its email, queued, sent later by the worker, so the SMTP exchange never shows in the timing).
Requests are limited per client address and per address asked about (a hash of it: known or not,
so the limit tells nothing either).

Using the link sets the new password, ends every session and remember-me cookie of the member
(session_version) and revokes their API tokens: whoever knew the old password keeps nothing."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user
from sqlalchemy import update

from ..audit import record
from ..extensions import db, limiter
from ..mail import outbox
from ..models import PasswordReset, User, utcnow
from ..tokens import revoke_all_tokens
from . import bp
from .caching import no_store
from .forms import ForgotPasswordForm, ResetPasswordForm

TOKEN_MAX = 100  # token_urlsafe(32) is 43 characters; anything much longer is not one of ours


def _address_key() -> str:
    """The address asked about, normalized as the form does, hashed with the secret key: the
    limiter's storage (Redis) never holds an address, and one cannot be recovered from a key."""
    address = (request.form.get("email") or "").strip().lower()
    digest = hashlib.sha256(f"{current_app.config['SECRET_KEY']}:reset:{address}".encode()).hexdigest()
    return f"reset-address:{digest[:32]}"


def end_password_resets(user: User) -> int:
    """Mark the member's unused reset links used, in the caller's transaction (the caller commits):
    a newer link, a password changed otherwise, a suspension. Their queued emails then cancel."""
    return db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id,
                                                          PasswordReset.used_at.is_(None)).values(used_at=utcnow())
                              ).rowcount


def request_reset(address: str) -> None:
    """Queue a reset link for the active member with this address; for anyone else, nothing (after
    the same token work)."""
    token = secrets.token_urlsafe(32)
    token_hash = PasswordReset.hash_token(token)
    user = db.session.execute(db.select(User).filter_by(email=address)).scalar_one_or_none()
    if user is None or user.suspended:
        return
    # Lock the member's row (PostgreSQL) so two requests at once cannot leave two live links.
    db.session.execute(db.select(User.id).filter_by(id=user.id).with_for_update())
    now = utcnow()
    end_password_resets(user)  # one live link per member: asking again invalidates the older ones
    reset = PasswordReset(user_id=user.id, token_hash=token_hash, created_at=now,
                          expires_at=now + timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"]))
    db.session.add(reset)
    db.session.flush()
    email = outbox.queue_email("password_reset", user,
                               {"reset_id": reset.id, "token": token, "token_hash": token_hash})
    db.session.commit()
    outbox.dispatch([email.id])


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_IP_RATE_LIMIT"], methods=["POST"], scope="reset-ip")
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"], scope="reset-address",
               key_func=_address_key)
@no_store  # the address typed
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_reset(form.email.data)
        return render_template("auth/forgot_password_sent.html")
    return render_template("auth/forgot_password.html", form=form)


class _DeadLink(Exception):
    pass


def _live_reset(token: str) -> PasswordReset:
    """The unused, unexpired reset of an active member this token opens."""
    if len(token) > TOKEN_MAX:
        raise _DeadLink
    reset = db.session.execute(
        db.select(PasswordReset).filter_by(token_hash=PasswordReset.hash_token(token))).scalar_one_or_none()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow() or reset.user.suspended:
        raise _DeadLink
    return reset


def _dead_link():
    """Used, expired, replaced or unknown: one page for all (it says what to do), nothing changed."""
    return render_template("auth/reset_invalid.html"), 410


@bp.route("/reset/<token>", methods=["GET", "POST"])
@no_store  # its address is the secret
def reset_password(token: str):
    try:
        reset = _live_reset(token)
    except _DeadLink:
        return _dead_link()
    form = ResetPasswordForm()
    if form.validate_on_submit():
        # Claim the link with a conditional update: of two submissions at once, one wins.
        claimed = db.session.execute(
            update(PasswordReset).where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None),
                                        PasswordReset.expires_at > utcnow()).values(used_at=utcnow())
        ).rowcount
        if claimed != 1:  # the other submission won, or the link expired meanwhile
            db.session.rollback()
            return _dead_link()
        user = reset.user
        user.set_password(form.password.data)
        user.session_version += 1  # every session and remember-me cookie of the member ends
        end_password_resets(user)  # none should be left; if another was, it goes too
        revoked = revoke_all_tokens(user)
        record("user.password_reset", "user", user.id, actor=user, after={"api_tokens_revoked": revoked})
        db.session.commit()
        # Whoever is logged in in this browser (the member, or someone else) starts from the login page.
        logout_user()
        session.clear()
        flash(_("Your password is changed, you are logged out everywhere and your API tokens are revoked. "
                "Please log in with the new password."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, member=reset.user)
