"""A notification as its reader sees it: one sentence, the thread's title and the post's excerpt,
all in the reader's language (the stored translation or correction; else the original, labelled).

Shared by the notifications page, the API and the emails (forum/notifications/emails.py), so a
member reads the same words in the header and in their inbox. Outside a request (the mail worker)
nobody is a moderator: a hidden post has no excerpt and a hidden thread no title.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from ..extensions import db
from ..models import Notification, NotificationKind, Post, Thread
from ..threads.deletion import excerpt
from ..urls import external_url
from ..threads.reading import PENDING, TRANSLATED_STATES, post_views, thread_titles

EXCERPT_CHARS = 280


@dataclass
class Excerpt:
    text: str            # plain text, at most EXCERPT_CHARS characters
    language: str        # the language `text` is in
    translated: bool     # the reader's language, through a translation or a person's correction
    pending: bool        # the translation into the reader's language is not stored yet (text is the original)


def excerpts(post_ids, language: str) -> dict[int, Excerpt]:
    """Excerpts of the posts the reader may see, in `language` where translated, in one query."""
    ids = sorted(set(post_ids))
    if not ids:
        return {}
    found = {}
    for view in post_views(db.select(Post).where(Post.id.in_(ids), Post.deleted_at.is_(None)), language):
        translated = view.state in TRANSLATED_STATES and not view.originals_first
        html = view.translated_html if translated else view.post.body_html
        found[view.post.id] = Excerpt(excerpt(html, EXCERPT_CHARS),
                                      view.translation_language if translated else view.post.language,
                                      translated, view.state == PENDING)
    return found


def excerpt_of(post: Post, language: str) -> Excerpt | None:
    """One post's excerpt, None when it is deleted or hidden (from this reader)."""
    return excerpts([post.id], language).get(post.id)


@dataclass
class NotificationView:
    notification: Notification
    sentence: str                 # "Ana (Lima) replied in", in the reader's language
    title: str | None             # the thread's title in the reader's language; None if the thread is hidden
    excerpt: Excerpt | None       # None without a post, or when the post is gone
    endpoint: str                 # where it leads (the post in its thread): url_for(endpoint, **values)
    values: dict
    anonymous: bool = False       # its post or thread is hidden from this reader: so is who wrote it

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None

    @property
    def kind(self) -> str:
        return self.notification.kind.value

    @property
    def path(self) -> str:
        return url_for(self.endpoint, **self.values)

    @property
    def url(self) -> str:
        """Absolute, on SERVER_BASE_URL (emails; no request needed)."""
        return external_url(self.endpoint, **self.values)


def sentence(notification: Notification, anonymous: bool = False) -> str:
    """What happened, in the current locale (a request's, or the email's force_locale). `anonymous`:
    the reader may not see the post or thread, nor therefore who wrote it (forum/visibility.py)."""
    actor = None if anonymous else notification.actor
    name = actor.display_name if actor is not None else _("Someone")
    kind = notification.kind
    post = notification.post
    if kind == NotificationKind.REPLY:
        if post is not None and post.id == notification.thread.first_post_id:
            return _("%(name)s started the thread", name=name)  # a new thread in a category one watches
        return _("%(name)s replied in", name=name)
    if kind == NotificationKind.MENTION:
        return _("%(name)s mentioned you in", name=name)
    if kind == NotificationKind.ACCEPTED:
        if post is not None and post.author_id == notification.user_id:
            return _("%(name)s accepted your answer in", name=name)
        return _("%(name)s accepted an answer to your question", name=name)
    if kind == NotificationKind.FLAG_RESOLVED:
        return _("A moderator settled your report in")
    return _("%(name)s corrected the translation of your post in", name=name)


def target_of(notification: Notification) -> tuple[str, dict]:
    """Where a notification leads: its post in its thread, else the thread (endpoint, values)."""
    if notification.post_id is not None:
        return "threads.post_link", {"post_id": notification.post_id}
    return "threads.thread", {"thread_id": notification.thread_id}


def notification_views(notifications: list[Notification], language: str) -> list[NotificationView]:
    """Views of these notifications in `language`, with two queries for all their titles and excerpts."""
    thread_ids = {n.thread_id for n in notifications}
    titles = {t.thread.id: t.title for t in thread_titles(db.select(Thread).where(Thread.id.in_(thread_ids)),
                                                          language)} if thread_ids else {}
    found = excerpts([n.post_id for n in notifications if n.post_id is not None], language)
    views = []
    for n in notifications:
        target = target_of(n)
        title = titles.get(n.thread_id)
        # A hidden post or thread hides its author too (a deleted post is its author's own doing).
        anonymous = title is None or (n.post_id is not None and n.post_id not in found
                                      and n.post is not None and n.post.deleted_at is None)
        views.append(NotificationView(n, sentence(n, anonymous), title,
                                      found.get(n.post_id) if n.post_id is not None else None, *target,
                                      anonymous=anonymous))
    return views

