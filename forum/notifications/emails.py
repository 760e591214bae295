"""The emails about notifications: one at once ("notification") or one a day ("digest").

Both are composed by the outbox worker at send time, inside force_locale(email.language), from what
the database says then (forum/notifications/reading.py: the same sentence, title and excerpt the
site shows). Nothing is sent about what the member can no longer see or no longer wants:

- the notification, its post or its thread is gone (deleted, hidden by a moderator): Cancel;
- the member is suspended or turned notification emails off since: Cancel;
- the member read it on the site before the email left: Cancel (a digest skips it).

A notification email waits for the post's translation into the recipient's language (Postpone, no
attempt spent) until the email is MAIL_TRANSLATION_WAIT_SECONDS old, then goes with the original and a
note. A digest does not wait: it is already hours late, and what is still untranslated then (a
failed job, a missing engine) goes as the original, with the same note.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import ngettext

from ..extensions import db
from ..i18n import LANGUAGE_NAMES
from ..mail import outbox, unsubscribe
from ..models import Email, EmailFrequency, Notification, User, utcnow
from ..urls import external_url
from .reading import NotificationView, notification_views

POSTPONE_SECONDS = 30  # how often a waiting notification email looks again for its translation


@dataclass
class Item:
    """One notification as the email shows it."""
    sentence: str
    title: str
    excerpt: str | None
    note: str | None   # the excerpt is not in the reader's language: which one it is in, and why
    url: str


def recipient(email: Email) -> User:
    """The member the email is for, if they still want it."""
    user = db.session.get(User, email.user_id) if email.user_id is not None else None
    if user is None:
        raise outbox.Cancel("the member is gone")
    if user.suspended:
        raise outbox.Cancel("the member is suspended")
    if user.email_frequency == EmailFrequency.NONE:
        raise outbox.Cancel("the member turned notification emails off")
    return user


def still_there(view: NotificationView) -> bool:
    """The member may still see what it is about: its thread, and its post when it has one."""
    return view.title is not None and (view.notification.post_id is None or view.excerpt is not None)


def item(view: NotificationView, language: str) -> Item:
    excerpt, note = view.excerpt, None
    if excerpt is not None and not excerpt.translated and excerpt.language != language:
        name = str(LANGUAGE_NAMES.get(excerpt.language, excerpt.language))
        if excerpt.pending:
            note = _("The translation was not ready; this is the original in %(language)s.", language=name)
        else:
            note = _("This is the original in %(language)s.", language=name)
    return Item(view.sentence, view.title or "", excerpt.text if excerpt is not None else None, note, view.url)


def links(user: User) -> dict[str, str]:
    return {"settings_url": external_url("auth.profile"), "unsubscribe_url": unsubscribe.unsubscribe_url(user),
            "forum_url": external_url("threads.index")}


@outbox.composer("notification")
def compose_notification(email: Email, payload: dict) -> outbox.Composed:
    notification_id = payload.get("notification_id")
    notification = db.session.get(Notification, notification_id) if type(notification_id) is int else None
    if notification is None or notification.user_id != email.user_id:
        raise outbox.Cancel("the notification is gone")
    user = recipient(email)
    if notification.read_at is not None:
        raise outbox.Cancel("the member read it on the site already")
    [view] = notification_views([notification], email.language)
    if not still_there(view):
        raise outbox.Cancel("the post or its thread is gone or hidden")
    if view.excerpt is not None and view.excerpt.pending:
        waited = (utcnow() - email.created_at).total_seconds()
        wait = current_app.config["MAIL_TRANSLATION_WAIT_SECONDS"]
        if waited < wait:
            raise outbox.Postpone(max(1.0, min(POSTPONE_SECONDS, wait - waited)))
    entry = item(view, email.language)
    context = {"item": entry, **links(user)}
    return outbox.Composed(
        subject=_("%(sentence)s «%(title)s»", sentence=entry.sentence, title=entry.title),
        text=render_template("notifications/email/notification.txt", **context),
        html=render_template("notifications/email/notification.html", **context),
        headers=unsubscribe.headers(user))


@outbox.composer("digest")
def compose_digest(email: Email, payload: dict) -> outbox.Composed:
    user = recipient(email)
    ids = [i for i in payload.get("notification_ids", []) if type(i) is int]
    notifications = list(db.session.execute(
        db.select(Notification).where(Notification.id.in_(ids), Notification.user_id == user.id,
                                      Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc())).scalars()) if ids else []
    items = [item(view, email.language) for view in notification_views(notifications, email.language)
             if still_there(view)]
    if not items:
        raise outbox.Cancel("nothing left to tell: read, gone or hidden")
    more = payload.get("more", 0)
    context = {"items": items, "more": more if type(more) is int and more > 0 else 0, **links(user)}
    return outbox.Composed(
        subject=ngettext("Your daily summary: %(num)d notification", "Your daily summary: %(num)d notifications",
                         len(items)),
        text=render_template("notifications/email/digest.txt", **context),
        html=render_template("notifications/email/digest.html", **context),
        headers=unsubscribe.headers(user))
