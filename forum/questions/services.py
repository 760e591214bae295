"""Who may accept an answer, which post may be one, and the two writes (accept, clear).

The accepted post stays recorded when it is deleted or hidden; readers then see the question as
unanswered (see reading.py), and a restored post is the answer again without anyone re-accepting it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..audit import record
from ..extensions import db
from ..models import CategoryKind, Post, Thread, User


class NotAllowed(Exception):
    """The member may not accept or clear answers in this thread (a 403)."""


class NotAcceptable(Exception):
    """This post cannot be the accepted answer; `message` says why, in the reader's language."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def is_question(thread: Thread) -> bool:
    return thread.category.kind == CategoryKind.QUESTIONS


def may_accept(user: User | None, thread: Thread) -> bool:
    """The asker or a moderator, logged in and not suspended."""
    if user is None or not getattr(user, "is_authenticated", False) or user.suspended:
        return False
    return user.id == thread.author_id or user.is_moderator


def check_acceptable(thread: Thread, post: Post) -> None:
    if not is_question(thread):
        raise NotAcceptable(_l("Only questions have an accepted answer."))
    if post.thread_id != thread.id:
        raise NotAcceptable(_l("Only a reply in this thread can be its accepted answer."))
    if post.id == thread.first_post_id:
        raise NotAcceptable(_l("The question itself cannot be its answer; choose a reply."))
    if post.is_deleted or post.is_hidden:
        raise NotAcceptable(_l("A deleted or hidden post cannot be the accepted answer."))


def accept(thread: Thread, post: Post, user: User) -> None:
    """Make `post` the accepted answer (replacing any other). Checks first, writes nothing on refusal."""
    if not may_accept(user, thread):
        raise NotAllowed()
    check_acceptable(thread, post)
    if thread.accepted_post_id != post.id:
        _audit("question.accept", thread, user, post.id)
        thread.accepted_post_id = post.id
        _notify_accepted(thread, post, user)
    db.session.commit()


def clear(thread: Thread, user: User) -> None:
    """No accepted answer any more. Clearing a question with none is not an error (idempotent)."""
    if not may_accept(user, thread):
        raise NotAllowed()
    if thread.accepted_post_id is not None:
        _audit("question.clear", thread, user, None)
        thread.accepted_post_id = None
        db.session.commit()


def _notify_accepted(thread: Thread, post: Post, user: User) -> None:
    """The answer's author hears their answer was accepted; the asker too when a moderator chose it
    (the asker's own choice tells the asker nothing). Accepting the same answer again after clearing
    it tells nobody twice (one notification per member, kind and post)."""
    from ..models import NotificationKind
    from ..notifications import services as notifications

    notifications.add(post.author, NotificationKind.ACCEPTED, thread, post, actor=user)
    if thread.author_id != post.author_id:
        notifications.add(thread.author, NotificationKind.ACCEPTED, thread, post, actor=user)


def _audit(action: str, thread: Thread, user: User, accepted: int | None) -> None:
    """A moderator deciding the answer of someone else's question is a moderation action; the asker's own
    choice is not."""
    if user.id != thread.author_id:
        record(action, "thread", thread.id, actor=user, before={"accepted_post_id": thread.accepted_post_id},
               after={"accepted_post_id": accepted})
