"""/api/v1/members/{id}, /api/v1/cities and /api/v1/cities/{id}: profiles and the city directory.

The same reading rules as the pages (forum/people/services.py); never an e-mail address.
"""
from __future__ import annotations

from flask import current_app, g, jsonify
from flask_babel import lazy_gettext as _l

from ..countries import country_name
from ..extensions import db
from ..models import City, User
from ..people import services
from ..urls import external_url
from . import bp, serializers
from .errors import ApiError
from .routes import MAX_ID, _language
from .validation import query_int


def city_json(city: City, language: str, member_count: int | None = None) -> dict:
    data = {"id": city.id, "name": city.name, "country": city.country,
            "country_name": country_name(city.country, language), "default_language": city.default_language,
            "url": external_url("api.get_city", city_id=city.id)}
    if member_count is not None:
        data["member_count"] = member_count
    return data


def _member_or_404(user_id: int) -> User:
    user = services.member_for(user_id, g.api_user) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise ApiError(404, _l("No member with this id."))
    return user


@bp.get("/members/<int:user_id>")
def get_member(user_id: int):
    language = _language()
    user = _member_or_404(user_id)
    return jsonify({
        **serializers.author(user), "role": user.role.value, "language": user.language,
        "position": user.position, "department": user.department, "suspended": user.suspended,
        "city_detail": city_json(user.city, language), "reader_language": language,
        "recent_threads": [serializers.thread_summary(t, language)
                           for t in services.recent_threads(user, language)],
        "recent_posts": [{"id": link.post.id, "thread_id": link.post.thread_id,
                          "thread_title": link.thread_title.title, "created_at": serializers.iso(link.post.created_at),
                          "url": external_url("api.get_thread", thread_id=link.post.thread_id)}
                         for link in services.recent_posts(user, language)],
    })


@bp.get("/cities")
def list_cities():
    language = _language()
    cities = [city_json(entry.city, language, entry.member_count)
              for group in services.directory(language) for entry in group.cities]
    return jsonify({"cities": cities, "language": language})


@bp.get("/cities/<int:city_id>")
def get_city(city_id: int):
    language = _language()
    page = query_int("page", 1)
    city = db.session.get(City, city_id) if 0 < city_id <= MAX_ID else None
    if city is None:
        raise ApiError(404, _l("No city with this id."))
    members = services.city_members(city)
    threads = services.city_threads_page(city, language, page, current_app.config["THREADS_PER_PAGE"])
    return jsonify({**city_json(city, language, len(members)), "language": language,
                    "members": [serializers.author(u) for u in members],
                    "threads": [serializers.thread_summary(t, language) for t in threads.items],
                    "page": page, "pages": threads.pages, "total": threads.total})
