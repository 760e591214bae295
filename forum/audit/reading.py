"""Reading the audit log: what each action means to a reader, the filters, one page of entries, and
where each entry's target is now. Shared by the admin page and the API."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import false
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import AuditEntry, City, Invite, Post, Thread, User

# Every action the forum records, in the words the page shows ("<who> hid a post"). An action missing
# here (a newer one) is shown by its code and can still be filtered on.
ACTIONS = {
    "thread.pin": _l("pinned a thread"),
    "thread.unpin": _l("unpinned a thread"),
    "thread.lock": _l("locked a thread"),
    "thread.unlock": _l("unlocked a thread"),
    "thread.move": _l("moved a thread"),
    "post.hide": _l("hid a post"),
    "post.restore": _l("made a hidden post visible again"),
    "post.delete": _l("deleted someone else's post"),
    "post.undelete": _l("restored someone else's deleted post"),
    "post.edit": _l("edited someone else's post"),
    "attachment.remove": _l("removed a file from someone else's post"),
    "question.accept": _l("chose the accepted answer of someone else's question"),
    "question.clear": _l("cleared the accepted answer of someone else's question"),
    "library.promote": _l("promoted a thread to the library"),
    "library.edit": _l("edited a library entry"),
    "library.remove": _l("removed a thread from the library"),
    "user.role": _l("changed the role"),
    "user.suspend": _l("suspended a member"),
    "user.unsuspend": _l("lifted a suspension"),
    "city.create": _l("added a city"),
    "city.edit": _l("edited a city"),
    "invite.create": _l("created an invitation"),
    "invite.revoke": _l("revoked an invitation"),
    "invite.resend": _l("sent an invitation again"),
    "user.password_reset": _l("reset their password by email"),
    "mail.retry_failed": _l("retried the failed emails"),
    "flag.resolve": _l("resolved a flag"),
    "correction.save": _l("corrected a translation"),
    "glossary.add": _l("added a glossary term"),
    "glossary.edit": _l("edited a glossary term"),
    "glossary.delete": _l("deleted a glossary term"),
}
TARGET_TYPES = {"post": _l("Post"), "thread": _l("Thread"), "user": _l("Member"), "city": _l("City"),
                "invite": _l("Invitation"), "glossary_term": _l("Glossary term"), "email": _l("Email")}
ACTION_MAX, TARGET_TYPE_MAX, ACTOR_MAX = 40, 20, 120  # the columns' sizes; a member's name
PER_PAGE = 50


def describe(action: str) -> str:
    """The action in the reader's language; its code when the forum has no words for it."""
    text = ACTIONS.get(action)
    return str(text) if text is not None else action


@dataclass(frozen=True)
class Filters:
    action: str | None = None
    actor: str | None = None          # a member's id (digits) or part of their name
    target_type: str | None = None
    target_id: int | None = None
    since: date | None = None
    until: date | None = None         # inclusive


def _query(filters: Filters):
    query = db.select(AuditEntry).options(joinedload(AuditEntry.actor).joinedload(User.city))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actor:
        if filters.actor.isascii() and filters.actor.isdigit():
            number = int(filters.actor)
            query = query.where(AuditEntry.actor_id == number) if number < 2**31 else query.where(false())
        else:
            names = db.select(User.id).where(
                db.func.lower(User.display_name).contains(filters.actor.lower(), autoescape=True))
            query = query.where(AuditEntry.actor_id.in_(names))
    if filters.target_type:
        query = query.where(AuditEntry.target_type == filters.target_type)
    if filters.target_id is not None:
        query = query.where(AuditEntry.target_id == filters.target_id)
    if filters.since:
        query = query.where(AuditEntry.created_at >= datetime.combine(filters.since, time.min))
    if filters.until:
        query = query.where(AuditEntry.created_at <= datetime.combine(filters.until, time.max))
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def entries_page(filters: Filters, page: int, per_page: int = PER_PAGE):
    """A Flask-SQLAlchemy Pagination of entries, newest first (a page past the end is empty)."""
    return db.paginate(_query(filters), page=page, per_page=per_page, error_out=False, count=True)


def known_actions() -> list[str]:
    """For the filter: the named actions, then any other code the log holds."""
    stored = db.session.execute(db.select(AuditEntry.action).distinct()).scalars()
    return [*ACTIONS, *sorted(set(stored) - set(ACTIONS))]


def value(text: str | None) -> Any:
    """A stored before/after value as JSON data (None when there is none or it is not JSON)."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def compact(text: str | None, limit: int = 300) -> str:
    """A before/after value as one short line of JSON, for the page (escaped there like any text)."""
    data = value(text)
    if data is None:
        return ""
    line = json.dumps(data, ensure_ascii=False, separators=(", ", ": "), sort_keys=True)
    return line if len(line) <= limit else line[:limit] + "…"


_MODELS = {"post": Post, "thread": Thread, "user": User, "city": City, "invite": Invite}


def target_links(entries) -> dict[tuple[str, int], str]:
    """(type, id) -> a link to each target that still exists: one query per type on the page."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.target_type in _MODELS and entry.target_id is not None:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    links = {}
    for kind, ids in wanted.items():
        model = _MODELS[kind]
        found = db.session.execute(db.select(model.id).where(model.id.in_(ids))).scalars()
        for target_id in found:
            links[(kind, target_id)] = _link(kind, target_id)
    return links


def _link(kind: str, target_id: int) -> str:
    if kind == "post":
        return url_for("threads.post_link", post_id=target_id)
    if kind == "thread":
        return url_for("threads.thread", thread_id=target_id)
    if kind == "user":
        return url_for("people.profile", user_id=target_id)
    if kind == "city":
        return url_for("people.city", city_id=target_id)
    return url_for("admin.invites")
