"""The one place that writes flags: a member's report, and resolving a post's open flags.

Pages, the API, the moderation queue and the corrections form all call these, so they refuse and
record the same things.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from .. import audit, visibility
from ..extensions import db, limiter
from ..models import Flag, FlagReason, FlagResolution, Post, User, utcnow
from ..rate_limits import member_key

NOTE_MAX = 500

# Flags per member, pages and API together: enough for a member who reads a lot, not enough to flood
# the moderators' queue.
FLAGS = limiter.shared_limit(lambda: current_app.config["FLAG_RATE_LIMIT"], scope="flags", key_func=member_key)

ALREADY_FLAGGED = _l("You already flagged this post.")
OWN_POST = _l("You cannot flag your own post; you can edit or delete it. You can report a bad translation of it.")
SUSPENDED = _l("Suspended members cannot flag posts.")
NOTE_REQUIRED = _l("Please say what is wrong (a note is required for “Other”).")
LANGUAGE_REQUIRED = _l("Please choose which translation is wrong.")
NOT_A_TRANSLATION = _l("This post is not translated into that language: it is written in it.")
NO_TRANSLATION_TO_REPORT = _l("The author asked for this post not to be machine-translated: there is no "
                              "translation to report.")

REASON_NAMES = {
    FlagReason.SPAM: _l("Spam"),
    FlagReason.OFF_TOPIC: _l("Off-topic"),
    FlagReason.INAPPROPRIATE: _l("Inappropriate"),
    FlagReason.PERSONAL_DATA: _l("Personal data"),
    FlagReason.OTHER: _l("Other"),
    FlagReason.TRANSLATION: _l("Bad translation"),
}


class FlagRefused(Exception):
    """Why a flag is not taken: `status` (403, 409, 422) and a message for the member; `field`
    names the form/JSON field at fault, if one is."""

    def __init__(self, status: int, message, field: str | None = None) -> None:
        super().__init__(status)  # the message stays lazy: it is read in the member's language
        self.status, self.message, self.field = status, message, field


def may_see(post: Post, user: User) -> bool:
    """Whether `user` may flag this post at all: it exists for them (not deleted, not hidden, its
    thread visible). Otherwise the post is a 404 for the flagger."""
    return not post.is_deleted and not post.is_hidden and visibility.post_is_visible(post, user)


def other_languages(post: Post) -> list[str]:
    """The languages a translation of this post can be reported in: all but its original's."""
    return [code for code in current_app.config["LANGUAGES"] if code != post.language]


def refusal(user: User, post: Post, reason: FlagReason | None = None) -> FlagRefused | None:
    """Why `user` may not flag `post` (for `reason`), or None. A post they may not see is the
    caller's 404, asked first (may_see)."""
    if user.suspended:
        return FlagRefused(403, SUSPENDED)
    if post.author_id == user.id and reason is not None and reason != FlagReason.TRANSLATION:
        return FlagRefused(403, OWN_POST)
    return None


def already_flagged(user: User, post: Post) -> bool:
    return db.session.execute(db.select(Flag.id).filter_by(post_id=post.id, reporter_id=user.id)).first() is not None


def flag_post(post: Post, user: User, reason: FlagReason, note: str | None = None,
              language: str | None = None) -> Flag:
    """Store a member's flag and commit. Raises FlagRefused (nothing stored) when it is not allowed
    or already there: one flag per member and post, even when two requests race (the unique key)."""
    problem = refusal(user, post, reason)
    if problem is not None:
        raise problem
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise FlagRefused(422, _l("At most %(max)d characters.", max=NOTE_MAX), "note")
    if reason == FlagReason.OTHER and note is None:
        raise FlagRefused(422, NOTE_REQUIRED, "note")
    if reason == FlagReason.TRANSLATION:
        if not language:
            raise FlagRefused(422, LANGUAGE_REQUIRED, "language")
        if language not in other_languages(post):
            raise FlagRefused(422, NOT_A_TRANSLATION, "language")
        if post.no_machine_translation:
            raise FlagRefused(422, NO_TRANSLATION_TO_REPORT, "reason")
    else:
        language = None  # a language only says which translation is bad
    if already_flagged(user, post):
        raise FlagRefused(409, ALREADY_FLAGGED)
    flag = Flag(post_id=post.id, reporter_id=user.id, reason=reason, note=note, language=language)
    db.session.add(flag)
    try:
        db.session.commit()
    except IntegrityError:  # the same member's other request got there first
        db.session.rollback()
        raise FlagRefused(409, ALREADY_FLAGGED) from None
    return flag


def resolve_for_post(post: Post, moderator: User, resolution: FlagResolution, language: str | None = None,
                     note: str | None = None) -> list[int]:
    """Resolve the post's open flags (with `language`: only the translation flags for that language)
    and add an audit entry; the caller commits, in the same transaction as what it did about them.

    Returns the ids of the flags this call resolved: none when another moderator was quicker (then
    nothing is recorded). A conditional UPDATE, so two moderators never resolve one flag twice.
    """
    where = [Flag.post_id == post.id, Flag.resolved_at.is_(None)]
    if language is not None:
        where += [Flag.reason == FlagReason.TRANSLATION, Flag.language == language]
    rows = db.session.execute(
        update(Flag).where(*where).values(resolved_at=utcnow(), resolved_by_id=moderator.id, resolution=resolution)
        .returning(Flag.id, Flag.reporter_id).execution_options(synchronize_session=False)).all()
    ids = sorted(flag_id for flag_id, _reporter in rows)
    if ids:
        audit.record("flag.resolve", "post", post.id, actor=moderator, reason=note,
                     before={"open_flags": ids}, after={"resolution": resolution.value, "language": language})
        _notify_reporters(post, moderator, resolution, {reporter for _id, reporter in rows if reporter is not None})
    return ids


def _notify_reporters(post: Post, moderator: User, resolution: FlagResolution, reporter_ids: set[int]) -> None:
    """Each member whose open flag this settled hears so, with the resolution (guardrail flags have no
    reporter). One notification per member and post: a second flag of theirs on it, later, tells nothing."""
    from ..models import NotificationKind
    from ..notifications import services as notifications

    if not reporter_ids:
        return
    for reporter in db.session.execute(db.select(User).where(User.id.in_(sorted(reporter_ids)))).scalars():
        notifications.add(reporter, NotificationKind.FLAG_RESOLVED, post.thread, post, actor=moderator,
                          detail=resolution.value)


def open_post_count() -> int:
    """Posts with at least one open flag: the header's number (one COUNT on the (resolved_at,
    post_id) index)."""
    return db.session.execute(db.select(db.func.count(db.distinct(Flag.post_id)))
                              .where(Flag.resolved_at.is_(None))).scalar_one()


@dataclass
class QueueItem:
    """One flagged post in the queue: its open flags (oldest first) and how it reads."""

    post: Post
    flags: list[Flag]
    latest: datetime
    view: object = None                 # reading.PostView in the moderator's language
    title: object = None                # reading.ThreadTitle
    reported: dict = field(default_factory=dict)  # language -> PostTranslation of the reported translations

    @property
    def translation_languages(self) -> list[str]:
        return sorted({f.language for f in self.flags if f.reason == FlagReason.TRANSLATION and f.language})


def queue_page(language: str, page: int, per_page: int):
    """A page of the queue, newest open flag first (a post flagged again comes back to the top), in a
    fixed number of queries whatever the page holds. Returns reading.Page of QueueItem."""
    from sqlalchemy.orm import joinedload

    from ..models import PostTranslation
    from ..threads import reading

    total = open_post_count()
    latest = db.func.max(Flag.created_at)
    rows = db.session.execute(
        db.select(Flag.post_id, latest).where(Flag.resolved_at.is_(None)).group_by(Flag.post_id)
        .order_by(latest.desc(), Flag.post_id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    ids = [post_id for post_id, _latest in rows]
    if not ids:
        return reading.Page(page, per_page, total, [])
    flags: dict[int, list[Flag]] = {}
    for flag in db.session.execute(
            db.select(Flag).options(joinedload(Flag.reporter).joinedload(User.city))
            .where(Flag.post_id.in_(ids), Flag.resolved_at.is_(None)).order_by(Flag.id)).scalars():
        flags.setdefault(flag.post_id, []).append(flag)
    views = {v.post.id: v for v in reading.post_views(db.select(Post).where(Post.id.in_(ids)), language)}
    titles = reading.titles_by_thread(list(views.values()), language)
    wanted = {(f.post_id, f.language) for fs in flags.values() for f in fs
              if f.reason == FlagReason.TRANSLATION and f.language and f.language != language}
    reported: dict[int, dict] = {}
    if wanted:
        for row in db.session.execute(db.select(PostTranslation).where(
                PostTranslation.post_id.in_({p for p, _ in wanted}),
                PostTranslation.language.in_({lang for _, lang in wanted}))).scalars():
            if (row.post_id, row.language) in wanted:
                reported.setdefault(row.post_id, {})[row.language] = row
    items = []
    for post_id, when in rows:
        view = views.get(post_id)
        if view is None:
            continue  # cannot happen for a moderator (they see every post); never a 500
        items.append(QueueItem(view.post, flags.get(post_id, []), when, view, titles.get(view.post.thread_id),
                               reported.get(post_id, {})))
    return reading.Page(page, per_page, total, items)
