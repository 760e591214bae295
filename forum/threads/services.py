"""Writing threads and posts: the one place that knows what a write involves.

Pages, the command line and the demo data all go through here, so every post gets the
same rendering, revision history and translation jobs (committed with the post: the
outbox), and a wake-up for the translation worker once the commit has succeeded.
"""
from __future__ import annotations

from typing import Callable, Iterable, Protocol, Sequence

from translation import detect_language

from .. import jobs, visibility
from sqlalchemy import update

from ..audit import record
from ..extensions import db
from ..notifications import events
from ..models import Category, Post, PostRevision, Thread, TranslationJob, User, utcnow
from ..rendering import render_markdown
from ..search import documents as search_documents

AUTO = "auto"

# What a feature adds to a write in the same transaction (a job description's fields): called with
# the post just before the commit; returns the translation jobs it queued, dispatched after the commit.
BeforeCommit = Callable[[Post], "Iterable[TranslationJob] | None"]


class AttachmentChange(Protocol):
    """A file added to or removed from a post (forum/attachments/services.py), committed with it."""

    def apply(self, post: Post) -> None: ...   # adds or deletes its row in the session
    def discard(self) -> None: ...             # the commit failed: undo what is outside the database
    def committed(self) -> None: ...           # the commit succeeded: finish what is outside it


def resolve_language(choice: str, text: str, author: User) -> str:
    """The author's choice, or, for "auto", what the text says (the author's language when unsure)."""
    if choice != AUTO:
        return choice
    return detect_language(text, fallback=author.language).language


def create_thread(category: Category, author: User, title: str, body: str, language: str,
                  before_commit: BeforeCommit | None = None,
                  attachments: Sequence[AttachmentChange] = (), no_machine_translation: bool = False) -> Thread:
    language = resolve_language(language, f"{title}\n\n{body}", author)
    now = utcnow()
    thread = Thread(category=category, author=author, title=title, language=language,
                    created_at=now, last_activity_at=now)
    db.session.add(thread)
    post = _new_post(thread, author, body, language, now, title=title, no_machine_translation=no_machine_translation)
    db.session.flush()
    thread.first_post_id = post.id
    events.post_created(post)
    _commit_with_jobs(post, before_commit, attachments)
    return thread


def add_reply(thread: Thread, author: User, body: str, language: str,
              attachments: Sequence[AttachmentChange] = (), no_machine_translation: bool = False) -> Post:
    language = resolve_language(language, body, author)
    now = utcnow()
    post = _new_post(thread, author, body, language, now, no_machine_translation=no_machine_translation)
    thread.last_activity_at = now
    thread.reply_count = Thread.reply_count + 1  # atomic in SQL, safe with concurrent replies
    db.session.flush()
    events.post_created(post)
    _commit_with_jobs(post, attachments=attachments)
    return post


class EditConflict(Exception):
    """The post changed (or was deleted) since the editor loaded it."""


def edit_post(post: Post, editor: User, body: str, language: str, title: str | None = None,
              expected_revision: int | None = None, before_commit: BeforeCommit | None = None,
              attachments: Sequence[AttachmentChange] = (), no_machine_translation: bool | None = None) -> Post:
    """Keep the old text as a revision, replace the current one, translate the new revision
    (unless the author asks for no machine translation; None keeps the post's choice).

    The revision moves on with a conditional UPDATE, so of two concurrent edits of the same
    revision exactly one wins and the other gets EditConflict (never a duplicate revision).
    """
    language = resolve_language(language, f"{title or ''}\n\n{body}", editor)
    now = utcnow()
    expected = post.revision if expected_revision is None else expected_revision
    values = {} if no_machine_translation is None else {"no_machine_translation": no_machine_translation}
    changed = db.session.execute(
        update(Post).where(Post.id == post.id, Post.revision == expected, Post.deleted_at.is_(None))
        .values(revision=expected + 1, body=body, body_html=render_markdown(body), language=language, edited_at=now,
                **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        for change in attachments:
            change.discard()
        raise EditConflict(post.id)
    db.session.refresh(post)
    if editor.id != post.author_id:  # a moderator's edit of someone else's post (the text is in the history)
        record("post.edit", "post", post.id, actor=editor, before={"revision": expected},
               after={"revision": expected + 1})
    if title is not None:
        post.thread.title = title
        post.thread.language = language
    db.session.add(PostRevision(post=post, revision=post.revision, body=body, title=title,
                                language=language, editor=editor, created_at=now))
    events.post_edited(post)  # a mention the edit added is told; nothing else is told again
    _commit_with_jobs(post, before_commit, attachments)
    return post


def delete_post(post: Post, by: User | None = None) -> None:
    """Soft delete: the text stays in the history for moderators, readers see a placeholder.
    `by`: who deleted it (the author may undo their own deletion for a while: deletion.py). A moderator
    deleting someone else's post is a moderation action: it is in the audit log."""
    if by is not None and by.id != post.author_id:
        record("post.delete", "post", post.id, actor=by)
    post.deleted_at = utcnow()
    post.deleted_by_id = by.id if by is not None else None
    db.session.commit()


def restore_post(post: Post, by: User | None = None) -> None:
    """Undo a deletion (who may: deletion.check_restore). A restored accepted answer is the answer again.
    `by` (default: who is reading): a moderator restoring someone else's post is in the audit log."""
    by = by if by is not None else visibility.reader()
    if by is not None and by.id != post.author_id:
        record("post.undelete", "post", post.id, actor=by, before={"deleted_by_id": post.deleted_by_id})
    post.deleted_at = None
    post.deleted_by_id = None
    db.session.commit()


def is_first_post(post: Post) -> bool:
    return post.thread.first_post_id == post.id


def _new_post(thread: Thread, author: User, body: str, language: str, now, title: str | None = None,
              no_machine_translation: bool = False) -> Post:
    post = Post(thread=thread, author=author, body=body, body_html=render_markdown(body),
                language=language, revision=1, created_at=now, no_machine_translation=no_machine_translation)
    db.session.add(post)
    db.session.add(PostRevision(post=post, revision=1, body=body, title=title, language=language,
                                editor=author, created_at=now))
    return post


def _commit_with_jobs(post: Post, before_commit: BeforeCommit | None = None,
                      attachments: Sequence[AttachmentChange] = ()) -> None:
    new_jobs = jobs.enqueue_post(post)
    search_documents.refresh([post.id])  # its words are found (and removed words are not) from this commit
    if before_commit is not None:
        new_jobs = [*new_jobs, *(before_commit(post) or ())]
    for change in attachments:
        change.apply(post)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for change in attachments:  # files stored for this post go with the failed commit
            change.discard()
        raise
    for change in attachments:
        change.committed()
    jobs.dispatch(job.id for job in new_jobs)
