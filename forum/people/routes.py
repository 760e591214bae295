"""/u/<id> profiles, /cities/<id> city pages, /cities the directory.

Profiles and city pages list members, so they are for members even when FORUM_PUBLIC_READ opens the
forum (officials' names, positions and cities are not for the whole web); the directory lists cities
and numbers only, so it follows the forum's reading rule (forum/access.py).
"""
from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_login import current_user, login_required

from ..extensions import db
from ..models import City
from ..text import ascii_int
from ..threads import reading
from . import bp, services


def _page_arg() -> int:
    page = ascii_int(request.args.get("page"))
    return page if page is not None and 0 < page < 100_000 else 1


@bp.route("/u/<int:user_id>")
@login_required
def profile(user_id: int):
    user = services.member_for(user_id, current_user) or abort(404)
    language = reading.reader_language()
    return render_template("people/profile.html", member=user,
                           threads=services.recent_threads(user, language),
                           posts=services.recent_posts(user, language))


@bp.route("/cities")
def directory():
    return render_template("people/directory.html", groups=services.directory(reading.reader_language()))


@bp.route("/cities/<int:city_id>")
@login_required
def city(city_id: int):
    city = db.session.get(City, city_id) or abort(404)
    pagination = services.city_threads_page(city, reading.reader_language(), _page_arg(),
                                            current_app.config["THREADS_PER_PAGE"])
    return render_template("people/city.html", city=city, members=services.city_members(city),
                           pagination=pagination)
