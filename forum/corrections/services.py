"""Who may correct a translation, and saving a correction (pages and the API share it)."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit, visibility
from ..extensions import db
from ..jobs import source_hash
from ..models import Post, TranslationCorrection, User, utcnow
from ..rendering import render_markdown
from ..search import documents as search_documents
from ..threads.reading import parse_languages
from ..threads.services import is_first_post

NOT_A_READER = _l("Only moderators and members who read this language can correct its translations. "
                  "Add the language to the languages you read in your profile.")
NO_MACHINE_TRANSLATION = _l("The author asked for this post not to be machine-translated: "
                            "there is no translation to correct.")


MODERATOR_REVIEWED = _l("A moderator reviewed this translation. If it is wrong, report it and a moderator will look "
                        "at it again.")
OWN_LANGUAGE = _l("This is the language the post is written in: there is no translation into it to correct.")


class NotFound(Exception):
    """No such post or language for this reader (a 404): invisible, deleted, an unknown language."""


class OwnLanguage(NotFound):
    """The post is written in this language: nothing to correct (a page's 404, the API's 422)."""


def target_post(post_id: int, language: str) -> Post:
    """The post whose translation into `language` is corrected, or NotFound."""
    post = db.session.get(Post, post_id) if 0 < post_id <= 2**31 - 1 else None
    if (post is None or post.is_deleted or not visibility.post_is_visible(post)
            or language not in current_app.config["LANGUAGES"]):
        raise NotFound(post_id)
    if language == post.language:
        raise OwnLanguage(post_id)
    return post


def refusal(user: User, post: Post, language: str):
    """Why `user` may not correct the post's translation into `language` (a message), or None."""
    if post.no_machine_translation:
        return NO_MACHINE_TRANSLATION
    # The member's own interface language counts as read, as it does when reading.
    if user.is_moderator or language == user.language or language in parse_languages(user.read_languages):
        return None
    return NOT_A_READER


def overwrite_refusal(user: User, post: Post, language: str):
    """A member may not replace a moderator's current correction (a message), else None.
    Asked by the pages and the API before saving, not per post on a thread page."""
    if user.is_moderator:
        return None
    row = correction_of(post, language)
    if row is not None and row.revision == post.revision and row.corrector.is_moderator:
        return MODERATOR_REVIEWED
    return None


def may_correct(user: User, post: Post, language: str) -> bool:
    return (user.is_authenticated and not post.is_deleted and post.language != language
            and refusal(user, post, language) is None)


def correction_of(post: Post, language: str) -> TranslationCorrection | None:
    return db.session.execute(db.select(TranslationCorrection).filter_by(
        post_id=post.id, language=language)).scalar_one_or_none()


def _snapshot(row: TranslationCorrection | None) -> dict | None:
    if row is None:
        return None
    return {"language": row.language, "revision": row.revision, "title": row.title, "body": row.body}


def save(post: Post, user: User, language: str, body: str, title: str | None) -> TranslationCorrection:
    """Store the correction of the post's current revision (one per post and language), with its
    audit entry; a moderator's also resolves the open translation flags it answers (a member's
    leaves them open: a reporter's complaint is settled by a moderator, never by whoever they
    complained about). `title`: a first post's only; None keeps a current correction's title."""
    first = is_first_post(post)
    for attempt in (1, 2):
        row = correction_of(post, language)
        before = _snapshot(row)
        if row is None:
            row = TranslationCorrection(post_id=post.id, language=language, corrector_id=user.id,
                                        created_at=utcnow())
            db.session.add(row)
        if not first:
            row.title = None
        elif title is not None:
            row.title = title
        elif row.revision != post.revision:
            row.title = None  # an out-of-date title corrected an older title
        row.revision, row.body, row.body_html = post.revision, body, render_markdown(body)
        row.source_hash = source_hash(post.thread.title if first else None, post.body)
        row.corrector_id, row.updated_at = user.id, utcnow()
        audit.record("correction.save", "post", post.id, actor=user, before=before, after=_snapshot(row))
        try:
            # inside the try: both flush (the correction's first row may meet a concurrent one here)
            if user.is_moderator:
                _resolve_flags(post, user, language)
            _notify_author(post, user, language)
            db.session.flush()
            search_documents.refresh([post.id])  # a person's words replace the machine's in search too
            db.session.commit()
            return row
        except IntegrityError:
            # Two first corrections at once: the other one's row exists now; update it instead.
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _notify_author(post: Post, user: User, language: str) -> None:
    """The post's author hears a person corrected its translation (into `language`); once per post,
    whatever later corrections follow (one notification per member, kind and post)."""
    from ..models import NotificationKind
    from ..notifications import services as notifications

    notifications.add(post.author, NotificationKind.CORRECTION, post.thread, post, actor=user, detail=language)


def _resolve_flags(post: Post, user: User, language: str) -> None:
    """Open "bad translation" reports for this post and language are answered by the correction."""
    from ..flags.services import resolve_for_post
    from ..models import FlagResolution

    resolve_for_post(post, user, FlagResolution.CORRECTED, language=language)
