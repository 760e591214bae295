"""What happens after a member writes: called by forum/threads/services.py in the transaction of
the post (before its commit).

One notification per member and post: a member mentioned in a post gets MENTION (even in a thread
they muted: a mention is addressed to them), every other member watching the thread (or, for a new
thread, its category) gets REPLY. The author never hears of their own post; services.add leaves out
suspended members.
"""
from __future__ import annotations

from ..extensions import db
from ..models import Notification, NotificationKind, Post, User
from ..rendering import MAX_MENTIONS, members_by_mention, mentioned_names
from . import services


def post_created(post: Post) -> None:
    """A new thread or reply: its author watches the thread, mentioned members and watchers are told."""
    from ..watching.services import auto_watch, muted_in, watchers_of_new_post

    auto_watch(post.author, post.thread)
    mentioned = notify_mentions(post)
    watchers = [user_id for user_id in watchers_of_new_post(post) if user_id not in mentioned]
    muted = muted_in(post.thread, watchers)  # watchers are at "watching" already: a guard, not a filter
    for user in _members([user_id for user_id in watchers if user_id not in muted]):
        services.add(user, NotificationKind.REPLY, post.thread, post, actor=post.author)


def post_edited(post: Post) -> None:
    """An edit tells nobody again; a mention the edit added is new and is told (services.add skips
    members already told of a mention in this post). For forum/threads/services.edit_post."""
    notify_mentions(post)


def notify_mentions(post: Post) -> set[int]:
    """MENTION for each member named in the post's Markdown text (not its code or links); returns
    their ids, notified now or before."""
    members = members_by_mention(mentioned_names(post.body))
    ids = {user_id for user_id, _name in members.values() if user_id != post.author_id}
    # MAX_MENTIONS is per post, its edits included: else each edit could name MAX_MENTIONS others,
    # and a post edited over and over would notify the whole forum.
    told = set(db.session.execute(db.select(Notification.user_id).filter_by(
        post_id=post.id, kind=NotificationKind.MENTION)).scalars()) if ids and post.id is not None else set()
    room = max(0, MAX_MENTIONS - len(told))
    for user in _members(sorted(ids - told)[:room]):
        services.add(user, NotificationKind.MENTION, post.thread, post, actor=post.author)
    return ids


def _members(ids: list[int]) -> list[User]:
    if not ids:
        return []
    return list(db.session.execute(db.select(User).where(User.id.in_(ids)).order_by(User.id)).scalars())
