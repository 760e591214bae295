"""Reading accepted answers: what counts as answered, and the answer shown under a question."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import CategoryKind, Post, Thread, User
from ..threads import reading
from . import services

UNANSWERED = "unanswered"  # the category page's ?filter= value


def has_visible_answer(thread=Thread):
    """SQL: the thread's accepted post exists and is neither deleted nor hidden (correlated EXISTS)."""
    accepted = aliased(Post)
    return db.select(accepted.id).where(
        accepted.id == thread.accepted_post_id, accepted.deleted_at.is_(None), accepted.hidden_at.is_(None)
    ).exists()


def unanswered(thread=Thread):
    return ~has_visible_answer(thread)


@dataclass
class AnswerState:
    """What the thread page needs about its accepted answer."""

    question: bool                        # a thread of the questions category
    accepted_id: int | None               # the visible accepted post, else None
    view: reading.PostView | None         # that post in the reader's language
    can_accept: bool                      # the reader may accept, change or clear
    first_post_id: int | None

    def acceptable(self, post: Post) -> bool:
        """Whether to offer "Accept as answer" on this post."""
        return (self.question and self.can_accept and post.id != self.first_post_id
                and post.id != self.accepted_id and not post.is_deleted and not post.is_hidden)


def answer_state(thread: Thread, language: str, user: User | None) -> AnswerState:
    question = services.is_question(thread)
    view = None
    if question and thread.accepted_post_id is not None:
        views = reading.post_views(db.select(Post).where(
            Post.id == thread.accepted_post_id, Post.thread_id == thread.id,
            Post.deleted_at.is_(None), Post.hidden_at.is_(None)), language)
        view = views[0] if views else None
    return AnswerState(question, view.post.id if view else None, view,
                       question and services.may_accept(user, thread), thread.first_post_id)


def list_filter(category, value: str | None):
    """The category page's filter: (the filter in force or None, a condition on Thread or None).
    Only the questions category has one; any other value is no filter."""
    if value == UNANSWERED and category.kind == CategoryKind.QUESTIONS:
        return UNANSWERED, unanswered()
    return None, None
