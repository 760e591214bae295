"""Reading threads in the reader's language: one query for posts with their translations."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import get_locale
from sqlalchemy import and_
from sqlalchemy.orm import aliased, joinedload

from .. import visibility
from ..extensions import db
from ..models import (BODY_FIELD, CategoryKind, FieldTranslation, JobStatus, Post, PostTranslation, Thread,
                      TranslationCorrection, TranslationJob, User)

# reviewed: a person's correction (TranslationCorrection) of the current revision is shown.
ORIGINAL, MACHINE, REVIEWED, PENDING, FAILED = "original", "machine", "reviewed", "pending", "failed"
TRANSLATED_STATES = (MACHINE, REVIEWED)


@dataclass
class PostView:
    post: Post
    state: str                    # original | machine | reviewed | pending | failed
    body_html: str                # what the reader sees first
    translation: PostTranslation | None
    attachments: list = field(default_factory=list)  # the post's Attachment rows, oldest first
    correction: TranslationCorrection | None = None  # the current one, when state is reviewed
    # A correction of an earlier revision: shown only on request (the author edited since).
    outdated_correction: TranslationCorrection | None = None
    originals_first: bool = False  # the reader asked for originals first: the translation is one click away
    read: bool = False  # the post is in a language the reader reads (the interface's counts)

    @property
    def translated(self) -> bool:
        return self.state in TRANSLATED_STATES

    @property
    def translated_body(self) -> str | None:
        """The translation's Markdown (a correction's or the machine's), None when the original is shown."""
        if self.state == REVIEWED:
            return self.correction.body
        return self.translation.body if self.state == MACHINE else None

    @property
    def translated_html(self) -> str | None:
        if self.state == REVIEWED:
            return self.correction.body_html
        return self.translation.body_html if self.state == MACHINE else None

    @property
    def translation_language(self) -> str | None:
        if self.state == REVIEWED:
            return self.correction.language
        return self.translation.language if self.state == MACHINE else None

    @property
    def untranslated_by_request(self) -> bool:
        """The author asked for no machine translation and the reader does not read the post's language."""
        return self.post.no_machine_translation and self.state == ORIGINAL and not self.read


def reader_language() -> str:
    return str(get_locale() or "en")


def parse_languages(value: str | None) -> list[str]:
    """User.read_languages ("es,pt") as codes, only those the forum knows, in a stable order."""
    known = ("en", "es", "pt")
    given = {code.strip() for code in (value or "").split(",")}
    return [code for code in known if code in given]


@dataclass(frozen=True)
class ReaderControls:
    """What the reader asked for: the languages they read (the interface language always counts)
    and whether originals come first."""

    reads: frozenset
    originals_first: bool = False


def reader_controls(language: str, apply: bool = True) -> ReaderControls:
    """The reader's controls (forum/visibility.reader: the page's member or the API token's owner).
    `apply=False`: as a reader of `language` only (a correction's answer shows the correction)."""
    user = visibility.reader() if apply else None
    if user is None:
        return ReaderControls(frozenset({language}))
    return ReaderControls(frozenset({language, *parse_languages(user.read_languages)}), bool(user.originals_first))


def _state(post: Post, translation: PostTranslation | None, correction: TranslationCorrection | None,
           job_status: JobStatus | None, language: str, controls: ReaderControls) -> str:
    if post.language == language or post.language in controls.reads or post.no_machine_translation:
        return ORIGINAL
    if correction is not None and correction.revision == post.revision:
        return REVIEWED
    if translation is not None and translation.revision == post.revision:
        return MACHINE
    if job_status == JobStatus.FAILED:
        return FAILED
    return PENDING


def post_views(query, language: str, apply_reader_controls: bool = True) -> list[PostView]:
    """`query` selects Post rows (filtered, ordered, limited); translations and corrections come in the
    same query. The reader's controls apply (forum/auth profile: languages read, originals first).

    Only the posts the reader may see (forum/visibility.py), filtered before the query's limit."""
    controls = reader_controls(language, apply_reader_controls)
    posts = query.where(visibility.visible_posts()).subquery()
    post = aliased(Post, posts)
    rows = db.session.execute(
        db.select(post, PostTranslation, TranslationCorrection, TranslationJob.status)
        .outerjoin(PostTranslation, and_(PostTranslation.post_id == post.id, PostTranslation.language == language))
        .outerjoin(TranslationCorrection, and_(TranslationCorrection.post_id == post.id,
                                               TranslationCorrection.language == language))
        .outerjoin(TranslationJob, and_(TranslationJob.post_id == post.id, TranslationJob.field == BODY_FIELD,
                                        TranslationJob.revision == post.revision,
                                        TranslationJob.target_language == language))
        .options(joinedload(post.author).joinedload(User.city),
                 joinedload(TranslationCorrection.corrector).joinedload(User.city))
        .order_by(post.id)
    ).all()
    views = []
    for p, translation, correction, job_status in rows:
        state = _state(p, translation, correction, job_status, language, controls)
        current = correction if state == REVIEWED else None
        outdated = (correction if correction is not None and correction.revision != p.revision
                    and state != ORIGINAL else None)
        view = PostView(p, state, p.body_html, translation, correction=current, outdated_correction=outdated,
                        originals_first=controls.originals_first and state in TRANSLATED_STATES,
                        read=p.language in controls.reads)
        if state in TRANSLATED_STATES and not view.originals_first:
            view.body_html = view.translated_html
        views.append(view)
    _with_attachments(views)
    return views


def _with_attachments(views: list[PostView]) -> None:
    """Every post's files in one more query (none for a page without posts)."""
    from ..attachments.services import for_posts

    files = for_posts(v.post.id for v in views)
    for view in views:
        view.attachments = files.get(view.post.id, [])


@dataclass
class FieldText:
    """A short field (a job's department, a library summary) as a reader sees it."""

    text: str              # what the reader sees: the translation when usable, else the original
    original: str
    language: str          # the original's language
    translated: bool


def field_texts(field: str, sources: dict[int, tuple[str, str]], language: str) -> dict[int, FieldText]:
    """`sources` maps post ids to their field's current (text, language); one query for all.

    A translation is used only while it was made from the current text (its source hash).
    """
    from ..jobs import field_hash

    wanted = [post_id for post_id, (text, text_language) in sources.items() if text and text_language != language]
    rows = {}
    if wanted:
        # (none for a post whose author asked for no machine translation)
        rows = {r.post_id: r for r in db.session.execute(
            db.select(FieldTranslation).join(Post, Post.id == FieldTranslation.post_id).where(
                FieldTranslation.field == field, FieldTranslation.language == language,
                FieldTranslation.post_id.in_(wanted), Post.no_machine_translation.is_(False))).scalars()}
    result = {}
    for post_id, (text, text_language) in sources.items():
        row = rows.get(post_id)
        usable = row is not None and row.source_hash == field_hash(text)
        result[post_id] = FieldText(row.text if usable else text, text, text_language, usable)
    return result


def newest_activity(thread=Thread) -> tuple:
    """The order of every thread list: latest activity first, then newest thread."""
    return thread.last_activity_at.desc(), thread.id.desc()


def pinned_first(thread=Thread) -> tuple:
    """A category's order: pinned threads lead, each group by newest activity."""
    return thread.pinned_at.is_(None), *newest_activity(thread)


@dataclass
class ThreadTitle:
    thread: Thread
    title: str
    translated: bool       # `title` is in the reader's language, not the thread's (machine or reviewed)
    # A question's accepted answer while it is neither deleted nor hidden (forum/questions/).
    accepted_post_id: int | None = None
    hidden: bool = False  # its first post is hidden (only moderators get such a thread)
    reviewed: bool = False  # the title is a person's correction (TranslationCorrection)
    # Originals first: the translated title the reader can open (`title` is then the original).
    translation_offered: str | None = None

    @property
    def answered(self) -> bool:
        return self.accepted_post_id is not None


def thread_titles(query, language: str, order=newest_activity) -> list[ThreadTitle]:
    """Threads from `query` with their titles in the reader's language where translated (a current
    correction first, else the machine's); only the threads the reader may see (forum/visibility.py),
    under the reader's controls (languages read, the author's "do not machine-translate").
    `order`: newest_activity or pinned_first."""
    controls = reader_controls(language)
    threads = query.where(visibility.visible_threads()).subquery()
    thread = aliased(Thread, threads)
    first, accepted = aliased(Post), aliased(Post)
    rows = db.session.execute(
        db.select(thread, PostTranslation.title, PostTranslation.revision, first.revision, accepted.id,
                  first.hidden_at, first.no_machine_translation, TranslationCorrection.title,
                  TranslationCorrection.revision)
        .outerjoin(first, first.id == thread.first_post_id)
        .outerjoin(accepted, and_(accepted.id == thread.accepted_post_id, accepted.deleted_at.is_(None),
                                  accepted.hidden_at.is_(None)))
        .outerjoin(PostTranslation, and_(PostTranslation.post_id == thread.first_post_id,
                                         PostTranslation.language == language))
        .outerjoin(TranslationCorrection, and_(TranslationCorrection.post_id == thread.first_post_id,
                                               TranslationCorrection.language == language))
        .options(joinedload(thread.author).joinedload(User.city), joinedload(thread.category))
        .order_by(*order(thread))
    ).all()
    titles = []
    for (t, translated_title, translated_revision, post_revision, accepted_id, hidden_at, no_machine,
         corrected_title, corrected_revision) in rows:
        wanted = t.language not in controls.reads and t.language != language and not no_machine
        reviewed = bool(wanted and corrected_title and corrected_revision == post_revision)
        usable = bool(wanted and translated_title and translated_revision == post_revision)
        shown = corrected_title if reviewed else translated_title if usable else t.title
        answer = accepted_id if t.category.kind == CategoryKind.QUESTIONS else None
        offered = None
        if controls.originals_first and (reviewed or usable):
            shown, offered, reviewed, usable = t.title, shown, False, False
        titles.append(ThreadTitle(t, shown, reviewed or usable, accepted_post_id=answer,
                                  hidden=hidden_at is not None, reviewed=reviewed, translation_offered=offered))
    return titles


def thread_title(thread: Thread, language: str) -> ThreadTitle:
    """The thread's title; the caller has checked that the reader may see the thread."""
    return thread_titles(db.select(Thread).where(Thread.id == thread.id), language)[0]


def titles_by_thread(views: list[PostView], language: str) -> dict[int, ThreadTitle]:
    """The titles of the threads some posts belong to (search results), in one query."""
    if not views:
        return {}
    ids = {v.post.thread_id for v in views}
    return {t.thread.id: t for t in thread_titles(db.select(Thread).where(Thread.id.in_(ids)), language)}


def thread_counts() -> dict[int, int]:
    """Threads per category id (those the reader may see)."""
    return dict(db.session.execute(
        db.select(Thread.category_id, db.func.count(Thread.id)).where(visibility.visible_threads())
        .group_by(Thread.category_id)).all())


def threads_page(language: str, page: int, per_page: int, category_id: int | None = None, where=None) -> "Page":
    """One page of a thread list (all threads, or one category's: pinned first), titles in `language`.
    `where`: one more condition on Thread (e.g. the unanswered questions)."""
    query, count = db.select(Thread), db.select(db.func.count(Thread.id)).where(visibility.visible_threads())
    order = newest_activity
    if category_id is not None:
        query, count = query.where(Thread.category_id == category_id), count.where(Thread.category_id == category_id)
        order = pinned_first
    if where is not None:
        query, count = query.where(where), count.where(where)
    total = db.session.execute(count).scalar_one()
    items = thread_titles(query.order_by(*order()).limit(per_page).offset((page - 1) * per_page), language, order)
    return Page(page, per_page, total, items)


def posts_page(thread: Thread, language: str, page: int, per_page: int) -> "Page":
    """One page of a thread's posts with their translations into `language`."""
    views = post_views(db.select(Post).where(Post.thread_id == thread.id).order_by(Post.id)
                       .limit(per_page).offset((page - 1) * per_page), language)
    # reply_count leaves hidden replies out (forum/moderation/services.py): right for members;
    # a moderator's pages have the hidden ones too.
    total = thread.reply_count + 1
    if visibility.sees_hidden():
        total += db.session.execute(db.select(db.func.count(Post.id)).where(
            Post.thread_id == thread.id, Post.hidden_at.is_not(None), Post.id != thread.first_post_id)).scalar_one()
    return Page(page, per_page, total, views)


class Pager:
    """What the pager macro (templates/_pagination.html) reads, from `page`, `per_page` and `total`."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass
class Page(Pager):
    """Just enough of a paginator for the pager macro."""

    page: int
    per_page: int
    total: int
    items: list
