"""What happens after a member writes: called by forum/threads/services.py in the transaction of
the post (before its commit)."""
from __future__ import annotations

from ..models import Post


def post_created(post: Post) -> None:
    """A new thread or reply: its author watches the thread (notifying watchers and mentioned members
    is not built yet)."""
    from ..watching.services import auto_watch

    auto_watch(post.author, post.thread)
