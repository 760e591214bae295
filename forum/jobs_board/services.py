"""Job descriptions: a thread in the Jobs category (title = position, first post = description) with a
JobPosting row written in the same transaction, and the lists that read them in the reader's language."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import case
from sqlalchemy.orm import joinedload

from .. import jobs
from ..extensions import db
from ..models import Category, CategoryKind, City, EmploymentType, JobPosting, Post, Thread, User, utcnow
from ..threads import reading, services
from .validation import today

DEPARTMENT = "department"


@dataclass
class JobFields:
    """What a job description has besides its title and description, already validated."""

    city_id: int
    employment_type: EmploymentType
    closes_on: date
    apply_to: str
    department: str | None = None
    salary_min: int | None = None
    salary_max: int | None = None
    salary_currency: str | None = None

    @classmethod
    def of(cls, posting: JobPosting) -> "JobFields":
        return cls(**{name: getattr(posting, name) for name in cls.__dataclass_fields__})


def posting_for_thread(thread_id: int) -> JobPosting | None:
    return db.session.execute(db.select(JobPosting).filter_by(thread_id=thread_id)).scalar_one_or_none()


def department_source(post: Post) -> tuple[str, str, int] | None:
    """The department is part of the description's revision: an edit of the post translates it again."""
    if post.thread.first_post_id != post.id:
        return None
    posting = posting_for_thread(post.thread_id)
    if posting is None or not posting.department:
        return None
    return posting.department, post.language, post.revision


jobs.register_field(DEPARTMENT, department_source)


def jobs_category() -> Category:
    return db.session.execute(db.select(Category).filter_by(kind=CategoryKind.JOBS)
                              .order_by(Category.position)).scalars().first()


def is_job_thread(thread: Thread) -> bool:
    return thread.category.kind == CategoryKind.JOBS and posting_for_thread(thread.id) is not None


def create_job(author: User, title: str, body: str, language: str, fields: JobFields) -> Thread:
    def add_posting(post: Post):
        now = utcnow()
        db.session.add(JobPosting(thread_id=post.thread_id, created_at=now, updated_at=now, **asdict(fields)))
        return jobs.enqueue_field(post, DEPARTMENT)

    return services.create_thread(jobs_category(), author, title, body, language, before_commit=add_posting)


def edit_job(posting: JobPosting, editor: User, title: str, body: str, language: str, fields: JobFields,
             expected_revision: int | None = None) -> Post:
    """A new revision of the description with the job's fields (raises services.EditConflict)."""
    post = db.session.get(Post, posting.thread.first_post_id)

    def update_posting(post: Post):
        for name, value in asdict(fields).items():
            setattr(posting, name, value)
        posting.updated_at = utcnow()
        return jobs.enqueue_field(post, DEPARTMENT)

    return services.edit_post(post, editor, body, language, title=title, expected_revision=expected_revision,
                              before_commit=update_posting)


def retranslate_department(post: Post):
    """After any other edit of a description (the API's PATCH of a post): the department belongs to
    the new revision too. Nothing for posts that are not a job's description."""
    if post.thread.category.kind != CategoryKind.JOBS:
        return []
    return jobs.enqueue_field(post, DEPARTMENT)


# --- reading ------------------------------------------------------------------------------

@dataclass
class Filters:
    country: str | None = None
    city_id: int | None = None
    employment_type: EmploymentType | None = None
    open: bool | None = None   # None: open and closed


@dataclass
class JobItem:
    posting: JobPosting
    post: Post                          # the description (the thread's first post)
    title: reading.ThreadTitle
    department: reading.FieldText | None
    closed: bool

    @property
    def hidden(self) -> bool:
        return self.post.is_hidden


def _visible(query, moderator: bool):
    """Job postings whose description is there: never a deleted one, a hidden one for moderators only."""
    query = query.join(Thread, Thread.id == JobPosting.thread_id).join(Post, Post.id == Thread.first_post_id) \
        .where(Post.deleted_at.is_(None))
    return query if moderator else query.where(Post.hidden_at.is_(None))


def _filtered(query, filters: Filters):
    closed = JobPosting.closes_on < today()
    if filters.country:
        query = query.where(JobPosting.city_id.in_(db.select(City.id).where(City.country == filters.country)))
    if filters.city_id:
        query = query.where(JobPosting.city_id == filters.city_id)
    if filters.employment_type:
        query = query.where(JobPosting.employment_type == filters.employment_type)
    if filters.open is True:
        query = query.where(~closed)
    elif filters.open is False:
        query = query.where(closed)
    return query


def _order():
    """Open ones first, the soonest to close first; then closed ones, the most recently closed first."""
    closed = JobPosting.closes_on < today()
    return (case((closed, 1), else_=0), case((closed, None), else_=JobPosting.closes_on).asc(),
            JobPosting.closes_on.desc(), JobPosting.id.desc())


def _items(rows: list[tuple[JobPosting, Post]], language: str) -> list[JobItem]:
    """Titles (one query) and departments (one query) in the reader's language."""
    if not rows:
        return []
    titles = {t.thread.id: t for t in reading.thread_titles(
        db.select(Thread).where(Thread.id.in_([p.thread_id for p, _post in rows])), language)}
    departments = reading.field_texts(DEPARTMENT, {post.id: (p.department, post.language)
                                                   for p, post in rows if p.department}, language)
    day = today()
    return [JobItem(p, post, titles[p.thread_id], departments.get(post.id), p.closes_on < day) for p, post in rows]


def jobs_page(language: str, page: int, per_page: int, filters: Filters, moderator: bool = False) -> reading.Page:
    base = _filtered(_visible(db.select(JobPosting, Post), moderator), filters)
    total = db.session.execute(_filtered(_visible(db.select(db.func.count(JobPosting.id)), moderator), filters)
                               ).scalar_one()
    rows = db.session.execute(base.options(joinedload(JobPosting.city)).order_by(*_order())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return reading.Page(page, per_page, total, _items([tuple(r) for r in rows], language))


def job_for_thread(thread: Thread, language: str, moderator: bool = False) -> JobItem | None:
    """The job box of a thread (None for a thread that is not a job description, or whose description
    the reader may not see)."""
    if thread.category.kind != CategoryKind.JOBS:
        return None
    row = db.session.execute(_visible(db.select(JobPosting, Post), moderator)
                             .options(joinedload(JobPosting.city)).where(JobPosting.thread_id == thread.id)).first()
    return _items([tuple(row)], language)[0] if row else None


def network_countries() -> list[str]:
    """The countries that have a city in the network (codes, as stored)."""
    return list(db.session.execute(db.select(City.country).distinct()).scalars())


def cities() -> list[City]:
    return list(db.session.execute(db.select(City).order_by(City.name, City.country)).scalars())
