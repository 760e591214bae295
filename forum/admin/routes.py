from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..invites import create_invite
from ..models import City, Invite, Role, User
from ..permissions import admin_required
from . import bp
from ..forms_common import choices
from .forms import CityForm, InviteForm, MemberForm


def _cities() -> list[City]:
    return list(db.session.execute(db.select(City).order_by(City.country, City.name)).scalars())


@bp.route("/cities", methods=["GET", "POST"])
@admin_required
def cities():
    form = CityForm()
    if form.validate_on_submit():
        exists = db.session.execute(
            db.select(City.id).filter_by(name=form.name.data, country=form.country.data)
        ).first()
        if exists:
            form.name.errors.append(_("This city is already in the network."))
        else:
            db.session.add(City(name=form.name.data, country=form.country.data,
                                default_language=form.default_language.data))
            db.session.commit()
            flash(_("City added."), "success")
            return redirect(url_for("admin.cities"))
    return render_template("admin/cities.html", form=form, cities=_cities())


@bp.route("/invites", methods=["GET", "POST"])
@admin_required
def invites():
    form = InviteForm()
    form.city.choices = choices((c.id, str(c)) for c in _cities())
    new_link = None
    if form.validate_on_submit():
        if db.session.execute(db.select(User.id).filter_by(email=form.email.data)).first():
            form.email.errors.append(_("A member with this email already exists."))
        else:
            city = db.session.get(City, form.city.data)
            _invite, new_link = create_invite(form.email.data, city, Role(form.role.data), current_user)
            flash(_("Invitation created. Send this link to %(email)s; it works once.", email=form.email.data),
                  "success")
            form = InviteForm(formdata=None)
            form.city.choices = choices((c.id, str(c)) for c in _cities())
    recent = db.session.execute(db.select(Invite).order_by(Invite.created_at.desc()).limit(50)).scalars()
    return render_template("admin/invites.html", form=form, invites=list(recent), new_link=new_link)


@bp.route("/members")
@admin_required
def members():
    users = db.session.execute(db.select(User).order_by(User.display_name)).scalars()
    return render_template("admin/members.html", users=list(users))


@bp.route("/members/<int:user_id>", methods=["GET", "POST"])
@admin_required
def member(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = MemberForm(data={"role": user.role.value, "status": "suspended" if user.suspended else "active"})
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != "admin" or form.status.data == "suspended"):
            flash(_("You cannot remove your own administrator rights or suspend yourself."), "error")
        else:
            user.role = Role(form.role.data)
            user.suspended = form.status.data == "suspended"
            db.session.commit()
            flash(_("Member updated."), "success")
            return redirect(url_for("admin.members"))
    return render_template("admin/member.html", form=form, member=user)
