from __future__ import annotations

import functools
import secrets
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db, limiter
from ..models import ApiToken, Invite, User, utcnow
from ..rate_limits import member_key
from ..tokens import TooManyTokens, create_token, revoke_all_tokens, revoke_token
from . import bp
from .caching import no_store
from .password_reset import end_password_resets
from .forms import AcceptInviteForm, ChangePasswordForm, LoginForm, ProfileForm, RevokeTokenForm, TokenForm

# Every check of a logged-in member's current password (password change, new API token) draws on
# one budget per member, so a stolen session cannot guess the password through either form.
PASSWORD_CHECKS = limiter.shared_limit(lambda: current_app.config["PASSWORD_CHECK_RATE_LIMIT"],
                                       scope="password-check", key_func=member_key)


@functools.cache
def _dummy_password_hash() -> str:
    # Hashed like a real password (User.set_password), so checking it costs what a real check costs.
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect to another host."""
    # Control characters (CR/LF above all) cannot go into a Location header: ignore such a target.
    if target and target.isprintable():
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
                and "\\" not in target:
            return target
    return url_for("threads.index")


def _start_session(user: User, remember: bool = False) -> None:
    # A fresh session at login: nothing from before survives (session fixation).
    session.clear()
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@no_store  # a failed attempt shows the email again
def login():
    if current_user.is_authenticated:
        return redirect(url_for("threads.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.execute(db.select(User).filter_by(email=form.email.data)).scalar_one_or_none()
        if user is None:
            # Cost an unknown email what a member's costs, so the answer's timing tells nothing.
            check_password_hash(_dummy_password_hash(), form.password.data)
            flash(_("Wrong email or password."), "error")
        elif not user.check_password(form.password.data):
            flash(_("Wrong email or password."), "error")
        elif user.suspended:
            flash(_("This account is suspended. Please contact an administrator."), "error")
        else:
            _start_session(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    # Logging out ends this member's sessions everywhere (other browsers, remember-me cookies).
    current_user.session_version += 1
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


def _usable_invite(token: str) -> Invite:
    invite = db.session.execute(
        db.select(Invite).filter_by(token_hash=Invite.hash_token(token))
    ).scalar_one_or_none()
    if invite is None or not invite.is_usable:
        abort(410)
    return invite


@bp.route("/invite/<token>", methods=["GET", "POST"])
@no_store  # its address is the invitation's secret, and it shows the invited email
def accept_invite(token: str):
    if len(token) > 100:
        abort(404)
    invite = _usable_invite(token)
    form = AcceptInviteForm()
    if request.method == "GET":
        # The language the invitation was written in: the admin's pick, else the city's.
        form.language.data = invite.language or invite.city.default_language
    if form.validate_on_submit():
        if db.session.execute(db.select(User.id).filter_by(email=invite.email)).first():
            flash(_("An account with this email already exists. Please log in."), "error")
            return redirect(url_for("auth.login"))
        # Claim the invite with a conditional update, so two submissions cannot both use it.
        claimed = db.session.execute(
            update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None),
                                 Invite.expires_at > utcnow()).values(used_at=utcnow())
        ).rowcount
        if claimed != 1:
            db.session.rollback()
            abort(410)
        user = User(email=invite.email, display_name=form.display_name.data, role=invite.role,
                    language=form.language.data, city_id=invite.city_id)
        user.set_password(form.password.data)
        db.session.add(user)
        try:
            db.session.flush()
            invite.used_by_id = user.id
            db.session.commit()
        except IntegrityError:  # two invites for one email, accepted at the same moment
            db.session.rollback()
            flash(_("An account with this email already exists. Please log in."), "error")
            return redirect(url_for("auth.login"))
        _start_session(user)
        flash(_("Welcome to the network, %(name)s!", name=user.display_name), "success")
        return redirect(url_for("threads.index"))
    return render_template("auth/accept_invite.html", form=form, invite=invite)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
@no_store  # the member's email, and a new token right after its creation
def profile():
    profile_form = ProfileForm(prefix="profile", obj=current_user, member=current_user)
    password_form = ChangePasswordForm(prefix="password")
    if profile_form.submit.data and profile_form.validate_on_submit():
        profile_form.save_to(current_user)
        db.session.commit()
        # The new preference wins over a language picked earlier with the switcher.
        session.pop("lang", None)
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    if password_form.submit.data and password_form.validate_on_submit():
        with PASSWORD_CHECKS:
            correct = current_user.check_password(password_form.current_password.data)
        if not correct:
            password_form.current_password.errors.append(_("The current password is wrong."))
        else:
            user = current_user._get_current_object()
            user.set_password(password_form.password.data)
            user.session_version += 1  # other sessions end; this one continues under the new version
            # A changed password usually means the old one leaked: whatever it let anyone create goes.
            revoke_all_tokens(user)
            end_password_resets(user)  # a reset link asked for earlier would undo the change
            db.session.commit()
            _start_session(user)
            flash(_("Your password is changed. Your other sessions have been logged out and your API tokens "
                    "revoked."), "success")
            return redirect(url_for("auth.profile"))
    return _profile_page(profile_form=profile_form, password_form=password_form)


def _profile_page(status: int = 200, **context):
    """The profile page with fresh forms except those given (which carry the member's input and errors)."""
    context.setdefault("profile_form", ProfileForm(prefix="profile", obj=current_user, formdata=None,
                                                   member=current_user))
    context.setdefault("password_form", ChangePasswordForm(prefix="password", formdata=None))
    context.setdefault("token_form", TokenForm(prefix="token", formdata=None))
    return render_template("auth/profile.html", revoke_form=RevokeTokenForm(), tokens=_tokens(), **context), status


def _tokens() -> list[ApiToken]:
    return list(db.session.execute(
        db.select(ApiToken).filter_by(user_id=current_user.id, revoked_at=None).order_by(ApiToken.created_at.desc())
    ).scalars())


@bp.post("/profile/tokens")
@login_required
@no_store  # the new token is in this page, once
def create_api_token():
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        return _profile_page(400, token_form=form)
    with PASSWORD_CHECKS:
        correct = current_user.check_password(form.current_password.data)
    if not correct:
        form.current_password.errors.append(_("The current password is wrong."))
        return _profile_page(400, token_form=form)
    most = current_app.config["API_TOKENS_MAX"]
    try:
        _row, token = create_token(current_user, form.name.data, max_live=most)
    except TooManyTokens:
        form.name.errors.append(ngettext(
            "You already have %(num)d API token, the most allowed. Revoke it before creating another.",
            "You already have %(num)d API tokens, the most allowed. Revoke one before creating another.", most))
        return _profile_page(400, token_form=form)
    flash(_("Your new API token is below. Copy it now: it will not be shown again."), "success")
    return _profile_page(new_token=token)


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    form = RevokeTokenForm()
    if not form.validate_on_submit() or not revoke_token(current_user, token_id):
        abort(404)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.profile"))
