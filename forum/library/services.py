"""Writing library entries: promote, edit, remove. The summary is translated like a post, through the
outbox: every change of its text raises `summary_revision` and queues jobs for it, committed with it."""
from __future__ import annotations

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError

from .. import jobs
from ..audit import record
from ..extensions import db
from ..models import FieldTranslation, LibraryEntry, LibraryTopic, Post, Thread, TranslationJob, User, utcnow
from ..threads.services import resolve_language

FIELD = "summary"
SUMMARY_MAX = 300


def summary_source(post: Post) -> tuple[str, str, int] | None:
    """What the worker translates: the summary of the library entry whose thread starts with `post`."""
    row = db.session.execute(
        db.select(LibraryEntry.summary, LibraryEntry.summary_language, LibraryEntry.summary_revision)
        .join(Thread, Thread.id == LibraryEntry.thread_id)
        .where(Thread.id == post.thread_id, Thread.first_post_id == post.id)
    ).first()
    return (row[0], row[1], row[2]) if row else None


jobs.register_field(FIELD, summary_source)


class AlreadyInLibrary(Exception):
    """Another moderator promoted the thread meanwhile."""


def entry_for(thread: Thread) -> LibraryEntry | None:
    return db.session.execute(db.select(LibraryEntry).filter_by(thread_id=thread.id)).scalar_one_or_none()


def first_post(thread: Thread) -> Post | None:
    return db.session.get(Post, thread.first_post_id) if thread.first_post_id else None


def promote(thread: Thread, moderator: User, summary: str, language: str, topic: LibraryTopic,
            city_id: int | None) -> LibraryEntry:
    """Put the thread into the library; `language` is en/es/pt or "auto" (detected from the summary)."""
    post = first_post(thread)
    now = utcnow()
    entry = LibraryEntry(thread_id=thread.id, summary=summary, summary_language=resolve_language(
        language, summary, moderator), summary_revision=_next_revision(post), topic=topic, city_id=city_id,
        promoted_by_id=moderator.id, promoted_at=now, updated_at=now)
    db.session.add(entry)
    try:
        db.session.flush()
    except IntegrityError:  # unique thread_id: a second moderator's promote of the same thread
        db.session.rollback()
        raise AlreadyInLibrary(thread.id) from None
    record("library.promote", "thread", thread.id, actor=moderator, after=_fields(entry))
    _commit_with_jobs(post)
    return entry


def update(entry: LibraryEntry, editor: User, summary: str, language: str, topic: LibraryTopic,
           city_id: int | None) -> LibraryEntry:
    """Change the entry. A new summary text (or its language) is a new revision with its own jobs; the
    translation of the old text stops being used at once (it no longer matches the text's hash)."""
    if language == "auto":
        # Re-detect only for a new text: saving a topic must not flip a language a moderator chose.
        language = entry.summary_language if summary == entry.summary else resolve_language(language, summary, editor)
    summary_changed = summary != entry.summary or language != entry.summary_language
    before = _fields(entry)
    entry.topic, entry.city_id, entry.updated_at = topic, city_id, utcnow()
    entry.summary, entry.summary_language = summary, language
    after = _fields(entry)
    if before != after:  # saving the form unchanged is no action
        record("library.edit", "thread", entry.thread_id, actor=editor,
               before={k: v for k, v in before.items() if after[k] != v},
               after={k: v for k, v in after.items() if before[k] != v})
    if not summary_changed:
        db.session.commit()
        return entry
    # In SQL: two concurrent edits get two revisions, never the same one for different texts.
    entry.summary_revision = LibraryEntry.summary_revision + 1
    post = first_post(entry.thread)
    _commit_with_jobs(post)
    return entry


def remove(entry: LibraryEntry) -> None:
    """Out of the library: its queued summary jobs are superseded and its translations dropped."""
    post = first_post(entry.thread)
    record("library.remove", "thread", entry.thread_id, before=_fields(entry))
    db.session.delete(entry)
    db.session.flush()
    if post is not None:
        jobs.enqueue_field(post, FIELD)  # the source now says None: every unfinished job is superseded
        db.session.execute(delete(FieldTranslation).where(FieldTranslation.post_id == post.id,
                                                          FieldTranslation.field == FIELD))
    db.session.commit()


def _fields(entry: LibraryEntry) -> dict:
    """What the audit log keeps of an entry, before and after a change."""
    return {"summary": entry.summary, "summary_language": entry.summary_language,
            "topic": entry.topic.value if entry.topic else None, "city_id": entry.city_id}


def _next_revision(post: Post | None) -> int:
    """A thread removed and promoted again continues its old revisions: jobs are unique per revision, and a
    translation row only ever moves to a newer one."""
    if post is None:
        return 1
    newest = db.session.execute(db.select(func.max(TranslationJob.revision)).where(
        TranslationJob.post_id == post.id, TranslationJob.field == FIELD)).scalar()
    return (newest or 0) + 1


def _commit_with_jobs(post: Post | None) -> None:
    new_jobs = jobs.enqueue_field(post, FIELD) if post is not None else []
    db.session.commit()
    jobs.dispatch(job.id for job in new_jobs)
