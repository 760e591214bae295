from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..extensions import db, limiter
from ..models import ApiToken, Invite, User, utcnow
from ..tokens import create_token, revoke_token
from . import bp
from .forms import AcceptInviteForm, ChangePasswordForm, LoginForm, ProfileForm, RevokeTokenForm, TokenForm


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect to another host."""
    if target:
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
def login():
    if current_user.is_authenticated:
        return redirect(url_for("threads.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.execute(db.select(User).filter_by(email=form.email.data)).scalar_one_or_none()
        if user is None or not user.check_password(form.password.data):
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
def accept_invite(token: str):
    if len(token) > 100:
        abort(404)
    invite = _usable_invite(token)
    form = AcceptInviteForm()
    if request.method == "GET":
        form.language.data = invite.city.default_language
    if form.validate_on_submit():
        if db.session.execute(db.select(User.id).filter_by(email=invite.email)).first():
            flash(_("An account with this email already exists. Please log in."), "error")
            return redirect(url_for("auth.login"))
        # Claim the invite with a conditional update, so two submissions cannot both use it.
        claimed = db.session.execute(
            update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None)).values(used_at=utcnow())
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
def profile():
    profile_form = ProfileForm(prefix="profile", obj=current_user)
    password_form = ChangePasswordForm(prefix="password")
    if profile_form.submit.data and profile_form.validate_on_submit():
        current_user.display_name = profile_form.display_name.data
        current_user.language = profile_form.language.data
        db.session.commit()
        # The new preference wins over a language picked earlier with the switcher.
        session.pop("lang", None)
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    if password_form.submit.data and password_form.validate_on_submit():
        if not current_user.check_password(password_form.current_password.data):
            password_form.current_password.errors.append(_("The current password is wrong."))
        else:
            user = current_user._get_current_object()
            user.set_password(password_form.password.data)
            user.session_version += 1  # other sessions end; this one continues under the new version
            db.session.commit()
            _start_session(user)
            flash(_("Your password is changed. Your other sessions have been logged out."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", profile_form=profile_form, password_form=password_form,
                           token_form=TokenForm(prefix="token"), revoke_form=RevokeTokenForm(), tokens=_tokens())


def _tokens() -> list[ApiToken]:
    return list(db.session.execute(
        db.select(ApiToken).filter_by(user_id=current_user.id, revoked_at=None).order_by(ApiToken.created_at.desc())
    ).scalars())


@bp.post("/profile/tokens")
@login_required
def create_api_token():
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("auth.profile"))
    _row, token = create_token(current_user, form.name.data)
    flash(_("Your new API token is below. Copy it now: it will not be shown again."), "success")
    return render_template("auth/profile.html", profile_form=ProfileForm(prefix="profile", obj=current_user),
                           password_form=ChangePasswordForm(prefix="password"), token_form=TokenForm(prefix="token",
                           formdata=None), revoke_form=RevokeTokenForm(), tokens=_tokens(), new_token=token)


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    form = RevokeTokenForm()
    if not form.validate_on_submit() or not revoke_token(current_user, token_id):
        abort(404)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.profile"))
