"""What the people pages and the API read: profiles, cities, their threads and posts.

Visibility, decided once here for pages and API alike:
- A suspended member's profile exists for moderators (marked suspended) and is "not found" for
  everyone else; suspended members are neither listed on city pages nor counted in the directory.
- A thread is listed when its first post is neither deleted nor hidden; a post when it is neither
  deleted nor hidden and its thread is listed (a hidden first post hides its title too).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func
from sqlalchemy.orm import aliased, joinedload

from ..countries import country_name, sort_key
from ..extensions import db
from ..models import City, Post, Thread, User
from ..threads import reading

RECENT = 5  # threads and posts on a profile


def member_for(user_id: int, viewer: User | None) -> User | None:
    """The member whose profile `viewer` may see, or None (no such member, or suspended)."""
    user = db.session.execute(
        db.select(User).options(joinedload(User.city)).filter_by(id=user_id)).scalar_one_or_none()
    if user is None or (user.suspended and not (viewer is not None and viewer.is_moderator)):
        return None
    return user


def _listed_threads():
    """Threads whose first post is visible (not deleted, not hidden)."""
    first = aliased(Post)
    return db.select(Thread).join(first, first.id == Thread.first_post_id).where(
        first.deleted_at.is_(None), first.hidden_at.is_(None))


def _newest_first(titles: list[reading.ThreadTitle]) -> list[reading.ThreadTitle]:
    # reading.thread_titles orders by activity; these lists are by when the thread was started.
    return sorted(titles, key=lambda t: (t.thread.created_at, t.thread.id), reverse=True)


def recent_threads(user: User, language: str, limit: int = RECENT) -> list[reading.ThreadTitle]:
    query = _listed_threads().where(Thread.author_id == user.id) \
        .order_by(Thread.created_at.desc(), Thread.id.desc()).limit(limit)
    return _newest_first(reading.thread_titles(query, language))


@dataclass
class PostLink:
    post: Post
    thread_title: reading.ThreadTitle


def recent_posts(user: User, language: str, limit: int = RECENT) -> list[PostLink]:
    """The member's latest visible replies (a thread's first post is the thread itself), titles in `language`."""
    first = aliased(Post)
    posts = list(db.session.execute(
        db.select(Post).join(Thread, Thread.id == Post.thread_id).join(first, first.id == Thread.first_post_id)
        .where(Post.author_id == user.id, Post.id != Thread.first_post_id, Post.deleted_at.is_(None),
               Post.hidden_at.is_(None), first.deleted_at.is_(None), first.hidden_at.is_(None))
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(limit)).scalars())
    if not posts:
        return []
    titles = {t.thread.id: t for t in reading.thread_titles(
        db.select(Thread).where(Thread.id.in_({p.thread_id for p in posts})), language)}
    return [PostLink(p, titles[p.thread_id]) for p in posts]


@dataclass
class CityEntry:
    city: City
    country_name: str
    member_count: int


@dataclass
class CountryGroup:
    code: str
    name: str
    cities: list[CityEntry]


def directory(language: str) -> list[CountryGroup]:
    """Every city with its number of members (suspended ones not counted), in one query, grouped by
    country and sorted by the countries' names in `language`, then by city name."""
    rows = db.session.execute(
        db.select(City, func.count(User.id))
        .outerjoin(User, and_(User.city_id == City.id, User.suspended.is_(False)))
        .group_by(City.id)).all()
    groups: dict[str, CountryGroup] = {}
    for city, count in rows:
        name = country_name(city.country, language)
        groups.setdefault(city.country, CountryGroup(city.country, name, [])).cities.append(
            CityEntry(city, name, count))
    for group in groups.values():
        group.cities.sort(key=lambda entry: sort_key(entry.city.name))
    return sorted(groups.values(), key=lambda group: sort_key(group.name))


def city_members(city: City) -> list[User]:
    return list(db.session.execute(
        db.select(User).filter_by(city_id=city.id, suspended=False).order_by(User.display_name, User.id)).scalars())


def city_threads_page(city: City, language: str, page: int, per_page: int) -> reading.Page:
    """Threads started by the city's members (suspended ones' too: their threads stay in the forum),
    newest first."""
    of_city = exists().where(User.id == Thread.author_id, User.city_id == city.id)
    listed = _listed_threads().where(of_city)
    total = db.session.execute(db.select(func.count()).select_from(listed.subquery())).scalar_one()
    items = reading.thread_titles(listed.order_by(Thread.created_at.desc(), Thread.id.desc())
                                  .limit(per_page).offset((page - 1) * per_page), language)
    return reading.Page(page, per_page, total, _newest_first(items))
