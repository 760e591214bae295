"""Database models (SQLAlchemy 2.0, typed)."""
from __future__ import annotations

import enum
import hashlib
from datetime import date, datetime, timezone

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from .countries import country_name
from .extensions import db


def utcnow() -> datetime:
    """Naive UTC: SQLite has no time zones, so every stored time is UTC without one."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def digest_token(token: str) -> str:
    """How invitation and API tokens are stored: only their SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


BODY_FIELD = "body"


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as plain strings (no native PostgreSQL enum type to migrate later).
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


class Role(str, enum.Enum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class CategoryKind(str, enum.Enum):
    QUESTIONS = "questions"
    JOBS = "jobs"
    BEST_PRACTICES = "best_practices"
    GENERAL = "general"


class JobStatus(str, enum.Enum):
    PENDING = "pending"        # waiting for a worker (or for an engine for its pair)
    RUNNING = "running"        # claimed; the lease says until when
    DONE = "done"
    FAILED = "failed"          # gave up after the configured number of attempts
    SUPERSEDED = "superseded"  # the post was edited: a newer revision has its own job


class EmploymentType(str, enum.Enum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONTRACT = "contract"
    INTERNSHIP = "internship"
    FELLOWSHIP = "fellowship"


class LibraryTopic(str, enum.Enum):
    WATER = "water"
    MOBILITY = "mobility"
    HOUSING = "housing"
    OPEN_DATA = "open_data"
    BUDGETING = "budgeting"
    PROCUREMENT = "procurement"
    CLIMATE = "climate"            # climate and resilience
    DIGITAL_SERVICES = "digital_services"
    OTHER = "other"


class FlagReason(str, enum.Enum):
    SPAM = "spam"
    OFF_TOPIC = "off_topic"
    INAPPROPRIATE = "inappropriate"
    PERSONAL_DATA = "personal_data"
    OTHER = "other"
    TRANSLATION = "translation"    # a bad machine translation into `Flag.language`


class NotificationKind(str, enum.Enum):
    REPLY = "reply"                    # a new post in a thread I watch (or a new thread in a category I watch)
    MENTION = "mention"                # @name of me in a post
    ACCEPTED = "accepted"              # my question's answer was accepted
    FLAG_RESOLVED = "flag_resolved"    # a moderator settled a flag I raised
    CORRECTION = "correction"          # someone corrected the translation of my post


class WatchLevel(str, enum.Enum):
    """Discourse's levels: watching notifies of every new post, tracking only counts unread
    posts, muted hides the thread from unread counts and notifies of nothing but mentions."""
    WATCHING = "watching"
    TRACKING = "tracking"
    MUTED = "muted"


class EmailFrequency(str, enum.Enum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    NONE = "none"


class EmailStatus(str, enum.Enum):
    PENDING = "pending"
    SENDING = "sending"      # claimed by a worker (lease_until); a lost worker's email is retried
    SENT = "sent"
    FAILED = "failed"        # every attempt used: visible to admins, retried by hand
    CANCELLED = "cancelled"  # nothing left to send (the post was hidden, the member unsubscribed)


class FlagResolution(str, enum.Enum):
    DISMISSED = "dismissed"        # looked at, no action
    HIDDEN = "hidden"              # the post was hidden
    CORRECTED = "corrected"        # the translation was corrected


class City(db.Model):
    __tablename__ = "cities"
    __table_args__ = (UniqueConstraint("name", "country", name="uq_cities_name_country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2 (forum.countries); "ZZ" unknown
    default_language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="city")

    def __str__(self) -> str:
        """The city and its country in the reader's language: "Monterrey, México" for a Spanish reader."""
        return f"{self.name}, {country_name(self.country)}"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.MEMBER)
    language: Mapped[str] = mapped_column(String(2), default="en")
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    # Part of the login session's identity: raising it ends every session (and remember-me
    # cookie) of this member, e.g. at logout or a password change.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Optional profile fields the member edits (shown on the profile page).
    position: Mapped[str | None] = mapped_column(String(120))
    department: Mapped[str | None] = mapped_column(String(120))
    # Reader controls: languages the member reads (comma-separated codes; posts written in them
    # are shown in the original) and "originals first everywhere".
    read_languages: Mapped[str] = mapped_column(String(20), default="", server_default="")
    originals_first: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Email about notifications: each at once, one digest a day (the default), or none.
    email_frequency: Mapped[EmailFrequency] = mapped_column(
        _enum(EmailFrequency), default=EmailFrequency.DAILY, server_default=EmailFrequency.DAILY.value)
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    city: Mapped[City] = relationship(back_populates="members")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @validates("suspended")
    def _end_sessions_on_suspension(self, _key: str, suspended: bool) -> bool:
        # Whoever suspends (admin page, script, shell): sessions opened before must stay dead
        # when the suspension is lifted, so suspending raises the session version.
        if suspended and not self.suspended:
            self.session_version = (self.session_version or 1) + 1
        return suspended

    def set_password(self, password: str) -> None:
        # scrypt is Werkzeug's current default.
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at login
        return not self.suspended

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class ApiToken(db.Model):
    """A personal bearer token for the JSON API. Only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists so members can tell tokens apart
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

    hash_token = staticmethod(digest_token)


class Invite(db.Model):
    """A single-use, expiring invitation. Only a hash of the token is stored."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.MEMBER)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The invitation email's language (None: the city's default language) and when it was last sent.
    language: Mapped[str | None] = mapped_column(String(2))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    city: Mapped[City] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    hash_token = staticmethod(digest_token)

    @property
    def status(self) -> str:
        """One of "used", "revoked", "expired" or "pending" (still usable)."""
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        return "pending" if self.expires_at > utcnow() else "expired"

    @property
    def is_usable(self) -> bool:
        return self.status == "pending"


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[CategoryKind] = mapped_column(_enum(CategoryKind))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_category_activity", "category_id", "last_activity_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)

    # Set when the thread is created; the first post carries the title's translations.
    first_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", use_alter=True, name="fk_threads_first_post_id_posts"))
    # Questions: the reply the asker (or a moderator) accepted as the answer.
    accepted_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", use_alter=True, name="fk_threads_accepted_post_id_posts"))
    pinned_at: Mapped[datetime | None] = mapped_column(DateTime)   # pinned threads lead their category
    locked_at: Mapped[datetime | None] = mapped_column(DateTime)   # locked: no more replies

    category: Mapped[Category] = relationship()
    author: Mapped[User] = relationship()
    posts: Mapped[list[Post]] = relationship(back_populates="thread", order_by="Post.id",
                                             foreign_keys="Post.thread_id")
    accepted_post: Mapped[Post | None] = relationship(foreign_keys=[accepted_post_id], post_update=True)


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_thread_id_id", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # Rendered and sanitized once on write, so reading costs no Markdown parsing.
    body_html: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Indexed: every read path asks for the few deleted or hidden posts (forum/visibility.py, search).
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Hidden by a moderator: gone for members everywhere (pages, lists, search, API, exports).
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The author asked for no machine translation (a legal text): readers get the original, with a note.
    no_machine_translation: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    thread: Mapped[Thread] = relationship(back_populates="posts", foreign_keys=[thread_id])
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    revisions: Mapped[list[PostRevision]] = relationship(
        back_populates="post", order_by="PostRevision.revision", cascade="all, delete-orphan"
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostRevision(db.Model):
    """Every version of a post, the first included, so the edit history is complete."""

    __tablename__ = "post_revisions"
    __table_args__ = (UniqueConstraint("post_id", "revision", name="uq_post_revisions_post_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    revision: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    # The thread title as it was, for revisions of a thread's first post.
    title: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    post: Mapped[Post] = relationship(back_populates="revisions")
    editor: Mapped[User] = relationship()


class TranslationJob(db.Model):
    """The outbox: one row per post revision and target language, committed with the post.

    The row is the truth; a thread wake-up or an RQ message only says "look at the table".
    """

    __tablename__ = "translation_jobs"
    __table_args__ = (
        UniqueConstraint("post_id", "field", "revision", "target_language",
                         name="uq_translation_jobs_post_field_revision_target"),
        Index("ix_translation_jobs_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    # "body": the post (and a first post's title). Any other value names a short field that
    # belongs to the post (a job's department, a library summary): see jobs.register_field.
    field: Mapped[str] = mapped_column(String(20), default=BODY_FIELD, server_default=BODY_FIELD)
    revision: Mapped[int] = mapped_column(Integer)  # the post's revision, or the field's own
    source_language: Mapped[str] = mapped_column(String(2))
    target_language: Mapped[str] = mapped_column(String(2))
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Why the translation guardrails found this job's output suspect (a loop, a truncation...), if they did.
    suspect_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    post: Mapped[Post] = relationship()


class PostTranslation(db.Model):
    """The current machine translation of a post (and, for a first post, of its thread title)."""

    __tablename__ = "post_translations"
    __table_args__ = (UniqueConstraint("post_id", "language", name="uq_post_translations_post_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    language: Mapped[str] = mapped_column(String(2))
    revision: Mapped[int] = mapped_column(Integer)  # the post revision this translates
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(120))
    source_hash: Mapped[str] = mapped_column(String(64))
    translated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Kept but flagged by the guardrails (no other engine could redo it): shown, and queued for review.
    suspect_reason: Mapped[str | None] = mapped_column(String(200))
    # A glossary change touched a term of this post: `retranslate --stale` redoes it.
    stale: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class TranslationMemoryEntry(db.Model):
    """One translated run, so an edited post only sends its changed runs to the engine."""

    __tablename__ = "translation_memory"
    __table_args__ = (
        UniqueConstraint("engine", "model_version", "source_language", "target_language", "text_hash",
                         name="uq_translation_memory_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engine: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(120))
    source_language: Mapped[str] = mapped_column(String(2))
    target_language: Mapped[str] = mapped_column(String(2))
    text_hash: Mapped[str] = mapped_column(String(64))
    translation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FieldTranslation(db.Model):
    """The machine translation of a short field that belongs to a post (see TranslationJob.field).

    Usable while `source_hash` is the hash of the field's current text: an edit of the field
    makes the old translation stale without a revision to compare.
    """

    __tablename__ = "field_translations"
    __table_args__ = (UniqueConstraint("post_id", "field", "language", name="uq_field_translations_post_field_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    field: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    revision: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(120))
    source_hash: Mapped[str] = mapped_column(String(64))
    translated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    stale: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class JobPosting(db.Model):
    """The structured fields of a job-description thread. The position title is the thread
    title and the description its first post; the department is translated as a field."""

    __tablename__ = "job_postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), unique=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    department: Mapped[str | None] = mapped_column(String(120))
    employment_type: Mapped[EmploymentType] = mapped_column(_enum(EmploymentType))
    salary_min: Mapped[int | None] = mapped_column(Integer)
    salary_max: Mapped[int | None] = mapped_column(Integer)
    salary_currency: Mapped[str | None] = mapped_column(String(3))   # ISO 4217
    closes_on: Mapped[date] = mapped_column(Date, index=True)
    apply_to: Mapped[str] = mapped_column(String(500))                # an http(s) URL or an e-mail address
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    thread: Mapped[Thread] = relationship()
    city: Mapped[City] = relationship()


class LibraryEntry(db.Model):
    """A thread promoted into the best-practice library by a moderator."""

    __tablename__ = "library_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), unique=True)
    summary: Mapped[str] = mapped_column(String(300))
    summary_language: Mapped[str] = mapped_column(String(2))
    summary_revision: Mapped[int] = mapped_column(Integer, default=1)  # raised by each change of the summary
    topic: Mapped[LibraryTopic] = mapped_column(_enum(LibraryTopic), index=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    promoted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    promoted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    thread: Mapped[Thread] = relationship()
    city: Mapped[City | None] = relationship()
    promoted_by: Mapped[User] = relationship()


class Attachment(db.Model):
    """A file on a post. The bytes live in the attachment storage under `storage_key` (random)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))       # the member's name for it, cleaned
    content_type: Mapped[str] = mapped_column(String(100))   # detected from the bytes
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    post: Mapped[Post] = relationship()


class Flag(db.Model):
    """A member's report on a post (or the guardrails' own, with no reporter): one per member and post."""

    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id", name="uq_flags_post_reporter"),
                      Index("ix_flags_resolved_at_post_id", "resolved_at", "post_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # None: the guardrails
    reason: Mapped[FlagReason] = mapped_column(_enum(FlagReason))
    language: Mapped[str | None] = mapped_column(String(2))  # the translation reported (reason "translation")
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[FlagResolution | None] = mapped_column(_enum(FlagResolution))

    post: Mapped[Post] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class AuditEntry(db.Model):
    """One moderation or administration action. Append-only: no route, no API and (migration 0008)
    database triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # None: a command or the system
    action: Mapped[str] = mapped_column(String(40), index=True)       # e.g. "post.hide", "user.role"
    target_type: Mapped[str] = mapped_column(String(20))              # "post", "thread", "user", "invite"...
    target_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(500))
    before: Mapped[str | None] = mapped_column(Text)                   # JSON, where it applies
    after: Mapped[str | None] = mapped_column(Text)                    # JSON, where it applies
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


class TranslationCorrection(db.Model):
    """A person's correction of a post's (and a first post's title) machine translation into one language.

    Stored apart from PostTranslation so no later job overwrites it. Current while `revision` is the
    post's revision; after an edit it is kept, out of date, shown only on request.
    """

    __tablename__ = "translation_corrections"
    __table_args__ = (UniqueConstraint("post_id", "language", name="uq_translation_corrections_post_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    language: Mapped[str] = mapped_column(String(2))
    revision: Mapped[int] = mapped_column(Integer)     # the post revision it corrects
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))
    corrector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    post: Mapped[Post] = relationship()
    corrector: Mapped[User] = relationship()


class GlossaryTerm(db.Model):
    """A managed glossary entry. kind "keep": `term` is never translated (any pair, languages empty).
    kind "prefer": `term` in `source_language` becomes `translation` in `target_language`.
    Plural forms are optional (derived when empty, see forum/glossary/)."""

    __tablename__ = "glossary_terms"
    __table_args__ = (UniqueConstraint("kind", "source_language", "target_language", "term_key",
                                       name="uq_glossary_terms_entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))                       # "keep" | "prefer"
    source_language: Mapped[str] = mapped_column(String(2), default="", server_default="")
    target_language: Mapped[str] = mapped_column(String(2), default="", server_default="")
    term: Mapped[str] = mapped_column(String(120))
    term_key: Mapped[str] = mapped_column(String(120))                  # casefolded term: one entry per term
    term_plural: Mapped[str | None] = mapped_column(String(120))
    translation: Mapped[str | None] = mapped_column(String(120))
    translation_plural: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()


class Notification(db.Model):
    """Something a member should know about, shown in the header and on the notifications page,
    and emailed (at once or in the daily digest) when `emailed_at` is still empty."""

    __tablename__ = "notifications"
    # One notification per member, kind and post: a repeated event (an edit, a retry) adds none.
    __table_args__ = (UniqueConstraint("user_id", "kind", "post_id", name="uq_notifications_user_kind_post"),
                      Index("ix_notifications_user_read", "user_id", "read_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    detail: Mapped[str | None] = mapped_column(String(40))   # e.g. a flag's resolution, a correction's language
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)  # queued in an email (immediate or digest)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    thread: Mapped[Thread] = relationship()
    post: Mapped[Post | None] = relationship()


class Watch(db.Model):
    """A member's chosen level for one thread or one category (exactly one of the two is set)."""

    __tablename__ = "watches"
    __table_args__ = (UniqueConstraint("user_id", "thread_id", name="uq_watches_user_thread"),
                      UniqueConstraint("user_id", "category_id", name="uq_watches_user_category"),
                      Index("ix_watches_thread_level", "thread_id", "level"),
                      Index("ix_watches_category_level", "category_id", "level"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    level: Mapped[WatchLevel] = mapped_column(_enum(WatchLevel))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ThreadRead(db.Model):
    """How far a member has read a thread: the newest post id they have seen."""

    __tablename__ = "thread_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), primary_key=True, index=True)
    last_read_post_id: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Email(db.Model):
    """The email outbox: a row committed with the event that causes it, sent by a worker.

    `payload` (JSON) is what the composer of `kind` needs; it is composed at send time, in
    `language`, so a notification email can wait for the post's translation. A payload holding
    a secret (a reset or invitation link) is emptied once the email is sent.
    """

    __tablename__ = "emails"
    __table_args__ = (Index("ix_emails_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))                  # "notification", "digest", "invite", "password_reset"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[EmailStatus] = mapped_column(_enum(EmailStatus), default=EmailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User | None] = relationship()


class PasswordReset(db.Model):
    """A "forgot your password" link: single use, expiring; only the token's SHA-256 is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

    hash_token = staticmethod(digest_token)


class SearchDocument(db.Model):
    """One post's searchable text in one language: its original, or the current translation into
    another language (a person's correction when there is one, else the machine's). Rows exist only
    for a post's current revision (forum/search/documents.py replaces them on every write), so words
    an edit removed stop matching at once.

    The full-text index over these rows belongs to the database in use (migration 0010): an FTS5
    table of Snowball stems on SQLite, a stored `vector` tsvector column (the en/es/pt configurations
    over unaccent) with a GIN index on PostgreSQL. Neither is in this model: forum/search/engines.py
    queries them, and migrations/env.py leaves them out of the schema comparison."""

    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("post_id", "language", name="uq_search_documents_post_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(10))   # "original" | "machine" | "reviewed"
    title: Mapped[str | None] = mapped_column(Text)   # the thread's title, on its first post's documents
    body: Mapped[str] = mapped_column(Text)           # its words, space-separated (forum/search/documents.py)
