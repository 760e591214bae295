from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import record
from ..auth.password_reset import end_password_resets
from ..auth.caching import no_store
from ..countries import UNKNOWN, country_name, sort_key
from ..extensions import db
from ..invites import create_invite, resend_invite, revoke_invites
from ..models import City, Invite, Role, User
from ..permissions import admin_required
from ..tokens import revoke_all_tokens
from . import bp
from ..forms_common import choices
from .forms import CityForm, EditCityForm, InviteForm, MemberForm, ResendInviteForm, RevokeInviteForm


_NOT_GIVEN = object()


def _cities() -> list[City]:
    """By country name in the reader's language, then city name (codes sort in no language)."""
    rows = db.session.execute(db.select(City)).scalars()
    return sorted(rows, key=lambda c: (sort_key(country_name(c.country)), sort_key(c.name)))


def _city_taken(name: str, country: str, except_id: int | None = None) -> bool:
    query = db.select(City.id).filter_by(name=name, country=country)
    if except_id is not None:
        query = query.where(City.id != except_id)
    return db.session.execute(query).first() is not None


def _city_fields(city: City) -> dict:
    return {"name": city.name, "country": city.country, "default_language": city.default_language}


def _changed(these: dict, others: dict) -> dict:
    """The items of `these` that differ in `others`: what an edit changed, for the audit log."""
    return {key: value for key, value in these.items() if others.get(key) != value}


@bp.route("/cities", methods=["GET", "POST"])
@admin_required
def cities():
    form = CityForm()
    if form.validate_on_submit():
        if _city_taken(form.name.data, form.country.data):
            form.name.errors.append(_("This city is already in the network."))
        else:
            city = City(name=form.name.data, country=form.country.data, default_language=form.default_language.data)
            db.session.add(city)
            db.session.flush()  # its id, for the audit entry
            record("city.create", "city", city.id, after=_city_fields(city))
            db.session.commit()
            flash(_("City added."), "success")
            return redirect(url_for("admin.cities"))
    return render_template("admin/cities.html", form=form, cities=_cities(), unknown=UNKNOWN)


@bp.route("/cities/<int:city_id>", methods=["GET", "POST"])
@admin_required
def edit_city(city_id: int):
    """Fix a city's name, country (one the country-code migration could not match is "unknown") or language."""
    city = db.session.get(City, city_id) or abort(404)
    form = EditCityForm(obj=city)
    if form.validate_on_submit():
        if _city_taken(form.name.data, form.country.data, except_id=city.id):
            form.name.errors.append(_("This city is already in the network."))
        else:
            before = _city_fields(city)
            city.name, city.country = form.name.data, form.country.data
            city.default_language = form.default_language.data
            after = _city_fields(city)
            if before != after:
                record("city.edit", "city", city.id, before=_changed(before, after), after=_changed(after, before))
            db.session.commit()
            flash(_("City saved."), "success")
            return redirect(url_for("admin.cities"))
    return render_template("admin/city.html", form=form, city=city, unknown=UNKNOWN)


def _invite_form(formdata=_NOT_GIVEN) -> InviteForm:
    form = InviteForm() if formdata is _NOT_GIVEN else InviteForm(formdata=formdata)
    form.city.choices = choices((c.id, str(c)) for c in _cities())
    return form


def _invites_page(form: InviteForm, new_link: str | None = None, notice: str | None = None):
    """The invitations page; a new link (just created or sent again) is shown in it, once: never
    flashed, since a flash travels in the session cookie."""
    recent = db.session.execute(db.select(Invite).order_by(Invite.created_at.desc()).limit(50)).scalars()
    return render_template("admin/invites.html", form=form, invites=list(recent), new_link=new_link, notice=notice,
                           revoke_form=RevokeInviteForm(formdata=None), resend_form=ResendInviteForm(formdata=None))


@bp.route("/invites", methods=["GET", "POST"])
@admin_required
@no_store  # emails, and a new invitation's link
def invites():
    form = _invite_form()
    if form.validate_on_submit():
        if db.session.execute(db.select(User.id).filter_by(email=form.email.data)).first():
            form.email.errors.append(_("A member with this email already exists."))
        else:
            city = db.session.get(City, form.city.data)
            _invite, new_link = create_invite(form.email.data, city, Role(form.role.data), current_user,
                                              language=form.language.data or None)
            notice = _("Invitation created and its email queued to %(email)s. You can also send them this link; "
                       "it works once.", email=form.email.data)
            return _invites_page(_invite_form(formdata=None), new_link, notice)
    return _invites_page(form)


@bp.post("/invites/<int:invite_id>/resend")
@admin_required
@no_store  # the new link
def resend_invitation(invite_id: int):
    """A new link for an unused invitation: the old one stops working, the expiry starts again."""
    invite = db.session.get(Invite, invite_id) or abort(404)
    if not ResendInviteForm().validate_on_submit():
        abort(400)
    if db.session.execute(db.select(User.id).filter_by(email=invite.email)).first():
        flash(_("A member with this email already exists."), "error")
        return redirect(url_for("admin.invites"))
    sent = resend_invite(invite.id, current_user)
    if sent is None:
        flash(_("This invitation was already used or revoked."), "error")
        return redirect(url_for("admin.invites"))
    invite, new_link = sent
    notice = _("A new invitation email is queued to %(email)s; the previous link no longer works. You can also "
               "send them this link; it works once.", email=invite.email)
    return _invites_page(_invite_form(formdata=None), new_link, notice)


@bp.post("/invites/<int:invite_id>/revoke")
@admin_required
def revoke_invitation(invite_id: int):
    invite = db.session.get(Invite, invite_id) or abort(404)
    if not RevokeInviteForm().validate_on_submit():
        abort(400)
    if revoke_invites(Invite.id == invite.id):
        flash(_("The invitation to %(email)s is revoked; its link no longer works.", email=invite.email), "success")
    else:
        flash(_("This invitation was already used or revoked."), "error")
    return redirect(url_for("admin.invites"))


@bp.route("/members")
@admin_required
@no_store  # emails
def members():
    users = db.session.execute(db.select(User).order_by(User.display_name)).scalars()
    return render_template("admin/members.html", users=list(users))


@bp.route("/members/<int:user_id>", methods=["GET", "POST"])
@admin_required
@no_store  # the member's email
def member(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = MemberForm(data={"role": user.role.value, "status": "suspended" if user.suspended else "active"})
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != "admin" or form.status.data == "suspended"):
            flash(_("You cannot remove your own administrator rights or suspend yourself."), "error")
        else:
            if user.role.value != form.role.data:
                record("user.role", "user", user.id, before={"role": user.role.value}, after={"role": form.role.data})
            user.role = Role(form.role.data)
            suspending = form.status.data == "suspended" and not user.suspended
            if suspending or (user.suspended and form.status.data != "suspended"):
                record("user.suspend" if suspending else "user.unsuspend", "user", user.id)
            user.suspended = form.status.data == "suspended"  # suspending also ends their sessions (models.User)
            if suspending:
                # Tokens are refused while suspended; revoked, they stay dead when the suspension is lifted.
                revoke_all_tokens(user)
                end_password_resets(user)  # refused while suspended; dead, too, when it is lifted
            db.session.commit()
            if suspending:
                flash(_("Member suspended: their sessions have ended and their API tokens are revoked."), "success")
            else:
                flash(_("Member updated."), "success")
            return redirect(url_for("admin.members"))
    return render_template("admin/member.html", form=form, member=user)
