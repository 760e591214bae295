"""Translate on write: the outbox, dispatch (the embedded worker or RQ), the translate-post job, the sweeper.

The database row is the truth. A job is created in the same transaction as the post
revision it translates; a dispatch is only a wake-up ("look at job 42"), so a lost wake-up
(Redis flushed, a worker killed) delays a job but never loses it: the sweeper puts expired
leases back to pending and re-dispatches what has waited too long.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Callable, Iterable

from flask import Flask, current_app
from sqlalchemy import and_, delete, or_, update

from . import guardrails
from .extensions import db
from .glossary import forum_glossary
from .models import BODY_FIELD, FieldTranslation, JobStatus, Post, PostTranslation, TranslationJob, utcnow
from .rendering import render_markdown
from .search import documents as search_documents
from .translation_memory import DatabaseMemory, dialect_insert

log = logging.getLogger(__name__)

RQ_QUEUE = "translations"


# --- the outbox ---------------------------------------------------------------------------

def enqueue_post(post: Post) -> list[TranslationJob]:
    """Add one job per target language for the post's current revision (caller commits).

    Older unfinished jobs of the post are superseded: their result would be stale anyway. A post
    whose author asked for no machine translation gets no job (and keeps none unfinished).
    """
    db.session.flush()
    db.session.execute(
        update(TranslationJob)
        .where(TranslationJob.post_id == post.id, TranslationJob.field == BODY_FIELD,
               TranslationJob.revision <= post.revision if post.no_machine_translation
               else TranslationJob.revision < post.revision,
               TranslationJob.status.in_([JobStatus.PENDING, JobStatus.RUNNING]))
        .values(status=JobStatus.SUPERSEDED, finished_at=utcnow(), lease_until=None)
    )
    if post.no_machine_translation:
        return []
    # An edit may change the post's language: a translation into its new language is obsolete.
    db.session.execute(delete(PostTranslation).where(PostTranslation.post_id == post.id,
                                                     PostTranslation.language == post.language))
    jobs = [TranslationJob(post_id=post.id, revision=post.revision, source_language=post.language,
                           target_language=target, status=JobStatus.PENDING, next_attempt_at=utcnow())
            for target in current_app.config["LANGUAGES"] if target != post.language]
    db.session.add_all(jobs)
    return jobs


# --- short fields that belong to a post (a job's department, a library summary) -------------

# A field source says what a field of a post reads now: (text, its language, its revision),
# or None when the post has no such field (any more). Revisions only ever grow.
FieldSource = Callable[[Post], "tuple[str, str, int] | None"]
_FIELD_SOURCES: dict[str, FieldSource] = {}


def register_field(name: str, source: FieldSource) -> None:
    """Let the feature that owns a field (jobs board, library) tell the worker where its text is."""
    assert name != BODY_FIELD and len(name) <= 20
    _FIELD_SOURCES[name] = source


def registered_fields() -> list[str]:
    return sorted(_FIELD_SOURCES)


def field_source(post: Post, field: str) -> "tuple[str, str, int] | None":
    source = _FIELD_SOURCES.get(field)
    return source(post) if source is not None else None


def field_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def enqueue_field(post: Post, field: str) -> list[TranslationJob]:
    """Jobs translating the field's current text into every other language (caller commits).

    Call it whenever the field changes; older unfinished jobs of the field are superseded.
    """
    db.session.flush()
    current = field_source(post, field)
    revision = current[2] if current else None
    stale = [TranslationJob.post_id == post.id, TranslationJob.field == field,
             TranslationJob.status.in_([JobStatus.PENDING, JobStatus.RUNNING])]
    if revision is not None:
        stale.append(TranslationJob.revision < revision)
    db.session.execute(update(TranslationJob).where(*stale)
                       .values(status=JobStatus.SUPERSEDED, finished_at=utcnow(), lease_until=None))
    if current is None or not current[0].strip() or post.no_machine_translation:
        return []  # (an author's "do not machine-translate" covers the post's fields too)
    text, language, revision = current
    existing = set(db.session.execute(db.select(TranslationJob.target_language).filter_by(
        post_id=post.id, field=field, revision=revision)).scalars())
    jobs = [TranslationJob(post_id=post.id, field=field, revision=revision, source_language=language,
                           target_language=target, status=JobStatus.PENDING, next_attempt_at=utcnow())
            for target in current_app.config["LANGUAGES"] if target != language and target not in existing]
    db.session.add_all(jobs)
    return jobs


def dispatch(job_ids: Iterable[int]) -> None:
    """Wake a worker for these committed jobs. Never raises: the sweeper is the safety net."""
    ids = list(job_ids)
    if not ids:
        return
    mode = worker_mode(current_app)
    try:
        if mode == "process":
            # The embedded worker's process, wherever it runs (a command wakes it too); it
            # also polls, and starts with the web's first request, so a lost wake-up only waits.
            from .workers.wakeup import wake

            wake(current_app.config["SQLALCHEMY_DATABASE_URI"])
        elif mode == "rq":
            _rq_enqueue(ids)
    except Exception:  # Redis down: the post is saved, the sweeper re-dispatches later
        log.warning("could not dispatch translation jobs %s; the sweeper will", ids, exc_info=True)


WORKER_MODES = ("process", "rq", "off")


def worker_mode(app: Flask) -> str:
    """"process" (the embedded worker process), "rq" (REDIS_URL workers) or "off"."""
    mode = app.config.get("TRANSLATION_WORKER")
    if mode:
        return mode
    return "rq" if app.config.get("REDIS_URL") else "process"


# --- the engines ----------------------------------------------------------------------------

def get_translator(app: Flask):
    """One Translator per process (engines hold loaded models); tests may inject engines."""
    translator = app.extensions.get("forum_translator")
    if translator is None:
        from translation import Translator

        engines = app.config.get("TRANSLATION_ENGINES")
        if engines is not None:
            translator = Translator(list(engines))
        else:
            translator = Translator.from_config(app.config["ARGOS_DATA_DIR"], app.config["APERTIUM_ENABLED"],
                                                argos_inter_threads=app.config["ARGOS_INTER_THREADS"])
        app.extensions["forum_translator"] = translator
    return translator


def available_pairs(translator) -> set[tuple[str, str]]:
    return {(info.source, info.target) for info in translator.pairs()}


def warm_up(app: Flask) -> None:
    """Load models before the first job (and before threads share a translator)."""
    translator = get_translator(app)
    for engine in getattr(translator, "engines", ()):
        warm = getattr(engine, "warm_up", None)
        if warm:
            warm()


# --- claiming and running -----------------------------------------------------------------

def claim(job_id: int | None = None, pairs: set[tuple[str, str]] | None = None) -> TranslationJob | None:
    """Take one due pending job (or the given one) whose pair has an engine.

    PostgreSQL: FOR UPDATE SKIP LOCKED lets workers pass each other. Both databases: the
    conditional UPDATE (status still pending) makes the claim exclusive.
    """
    if pairs is not None and not pairs:
        return None
    now = utcnow()
    query = db.select(TranslationJob.id).where(TranslationJob.status == JobStatus.PENDING,
                                               TranslationJob.next_attempt_at <= now)
    if job_id is not None:
        query = query.where(TranslationJob.id == job_id)
    if pairs is not None:
        query = query.where(or_(*(and_(TranslationJob.source_language == s, TranslationJob.target_language == t)
                                  for s, t in sorted(pairs))))
    candidates = db.session.execute(
        query.order_by(TranslationJob.id).limit(5).with_for_update(skip_locked=True)
    ).scalars().all()
    lease = timedelta(seconds=current_app.config["TRANSLATION_LEASE_SECONDS"])
    for candidate in candidates:
        claimed = db.session.execute(
            update(TranslationJob)
            .where(TranslationJob.id == candidate, TranslationJob.status == JobStatus.PENDING)
            .values(status=JobStatus.RUNNING, lease_until=now + lease, attempts=TranslationJob.attempts + 1)
        ).rowcount
        if claimed == 1:
            db.session.commit()
            return db.session.get(TranslationJob, candidate)
    db.session.commit()
    return None


def source_hash(title: str | None, body: str) -> str:
    return hashlib.sha256(f"{title or ''}\x00{body}".encode()).hexdigest()


def run_job(job: TranslationJob, translator) -> JobStatus:
    """Translate one claimed job and store the result, unless the post changed meanwhile."""
    if job.field != BODY_FIELD:
        return _run_field_job(job, translator)
    job_id, revision = job.id, job.revision
    source, target = job.source_language, job.target_language
    post = db.session.get(Post, job.post_id)
    if post is None or post.is_deleted or post.revision != revision or post.language != source:
        return _finish(job_id, JobStatus.SUPERSEDED)
    title = post.thread.title if post.thread.first_post_id == post.id else None
    body = post.body
    glossary = forum_glossary()
    db.session.commit()  # hold no transaction (and no SQLite lock) while the engine works

    def translate():
        memory = DatabaseMemory()
        translated = translator.translate(body, source, target, memory=memory, glossary=glossary)
        translated_title = (translator.translate(title, source, target, format="text", memory=memory,
                                                 glossary=glossary) if title else None)
        if not translated.text.strip() or (title and not translated_title.text.strip()):
            raise ValueError(f"{translated.engine} returned empty text")
        return translated, translated_title

    outcome = _run_engine(job_id, translate)
    if isinstance(outcome, JobStatus):
        return outcome
    translated, translated_title = outcome
    db.session.expire_all()
    post = db.session.get(Post, job.post_id)
    if post is None or post.is_deleted or post.revision != revision:
        db.session.rollback()  # a stale result: the newer revision has its own job
        return _finish(job_id, JobStatus.SUPERSEDED)
    values = {
        "post_id": post.id, "language": target, "revision": revision,
        "title": translated_title.text if translated_title else None,
        "body": translated.text, "body_html": render_markdown(translated.text),
        "engine": translated.engine, "model_version": translated.model_version,
        "source_hash": source_hash(title, body), "translated_at": utcnow(),
        # the guardrails: set when a suspect run was kept; a clean newer revision clears it
        "suspect_reason": guardrails.kept_reasons(translated, translated_title),
        "stale": False,  # done with the glossary as it is now
    }
    _upsert_newer(PostTranslation, values, ["post_id", "language"])
    search_documents.refresh([post.id])  # the translation is searchable in the commit that stores it
    if values["suspect_reason"]:
        guardrails.flag_for_review(post.id, target, values["suspect_reason"])
    _update_owned(job_id, status=JobStatus.DONE, finished_at=utcnow(), lease_until=None, last_error=None,
                  suspect_reason=guardrails.job_reason(translated, translated_title))
    return JobStatus.DONE


def _run_field_job(job: TranslationJob, translator) -> JobStatus:
    job_id, field, revision = job.id, job.field, job.revision
    source, target = job.source_language, job.target_language

    def current_text() -> str | None:
        post = db.session.get(Post, job.post_id)
        current = field_source(post, field) if post is not None and not post.is_deleted else None
        return current[0] if current and current[1:] == (source, revision) else None

    text = current_text()
    if not text or not text.strip():
        return _finish(job_id, JobStatus.SUPERSEDED)
    glossary = forum_glossary()
    db.session.commit()

    def translate():
        translated = translator.translate(text, source, target, format="text", memory=DatabaseMemory(),
                                          glossary=glossary)
        if not translated.text.strip():
            raise ValueError(f"{translated.engine} returned empty text")
        return translated

    translated = _run_engine(job_id, translate)
    if isinstance(translated, JobStatus):
        return translated
    db.session.expire_all()
    if current_text() != text:
        db.session.rollback()
        return _finish(job_id, JobStatus.SUPERSEDED)
    _upsert_newer(FieldTranslation, {
        "post_id": job.post_id, "field": field, "language": target, "revision": revision,
        "text": translated.text, "engine": translated.engine, "model_version": translated.model_version,
        "source_hash": field_hash(text), "translated_at": utcnow(), "stale": False,
    }, ["post_id", "field", "language"])
    # field translations have no suspect column: the job keeps the reason, the flag names the field
    kept = guardrails.kept_reasons(translated)
    if kept:
        guardrails.flag_for_review(job.post_id, target, f"{field}: {kept}")
    _update_owned(job_id, status=JobStatus.DONE, finished_at=utcnow(), lease_until=None, last_error=None,
                  suspect_reason=guardrails.job_reason(translated))
    return JobStatus.DONE


def _run_engine(job_id: int, translate: Callable):
    """The engine call of a job: its result, or the job's new status when it did not work."""
    from translation import NoEngineAvailable

    try:
        return translate()
    except NoEngineAvailable:
        db.session.rollback()
        return _back_to_pending(job_id, "no engine for this pair")
    except Exception as exc:
        db.session.rollback()
        log.warning("translation job %s failed: %r", job_id, exc)
        return _retry_or_fail(job_id, f"{type(exc).__name__}: {exc}")


def _upsert_newer(model, values: dict, key: list[str]) -> None:
    """Insert or update a translation row; never let an older revision's result overwrite a newer one."""
    insert = dialect_insert(model).values(values)
    db.session.execute(insert.on_conflict_do_update(
        index_elements=key,
        set_={k: insert.excluded[k] for k in values if k not in key},
        where=model.revision <= insert.excluded.revision,
    ))


def _update_owned(job_id: int, **values) -> bool:
    """Change a job this worker is running; False if it is no longer ours (superseded by an
    edit, or swept and handed to another worker after the lease ran out)."""
    changed = db.session.execute(
        update(TranslationJob).where(TranslationJob.id == job_id, TranslationJob.status == JobStatus.RUNNING)
        .values(**values)).rowcount
    db.session.commit()
    return changed == 1


def _finish(job_id: int, status: JobStatus) -> JobStatus:
    _update_owned(job_id, status=status, finished_at=utcnow(), lease_until=None)
    return status


def _back_to_pending(job_id: int, reason: str) -> JobStatus:
    """Give the job back without spending an attempt (its engine went away, not the job's fault)."""
    _update_owned(job_id, status=JobStatus.PENDING, lease_until=None, last_error=reason,
                  attempts=TranslationJob.attempts - 1,
                  next_attempt_at=utcnow() + timedelta(seconds=current_app.config["TRANSLATION_RETRY_SECONDS"]))
    return JobStatus.PENDING


def _retry_or_fail(job_id: int, error: str, max_attempts: int | None = None) -> JobStatus:
    attempts = db.session.execute(db.select(TranslationJob.attempts).where(TranslationJob.id == job_id)).scalar_one()
    limit = current_app.config["TRANSLATION_MAX_ATTEMPTS"]
    if attempts >= (limit if max_attempts is None else min(limit, max_attempts)):
        _update_owned(job_id, status=JobStatus.FAILED, finished_at=utcnow(), lease_until=None,
                      last_error=error[:2000])
        return JobStatus.FAILED
    # Exponential backoff: base, 2x base, 4x base...
    delay = current_app.config["TRANSLATION_RETRY_SECONDS"] * 2 ** (attempts - 1)
    _update_owned(job_id, status=JobStatus.PENDING, lease_until=None, last_error=error[:2000],
                  next_attempt_at=utcnow() + timedelta(seconds=delay))
    return JobStatus.PENDING


_job_listener: Callable[[int | None], None] | None = None


def set_job_listener(listener: Callable[[int | None], None] | None) -> None:
    """The worker process reports each job it starts (its id) and finishes (None) to its
    supervisor, which enforces the wall-clock limit from outside."""
    global _job_listener
    _job_listener = listener


def process(job_id: int | None = None) -> JobStatus | None:
    """Claim and run one job (the given one, or any due job). None if there was nothing to do."""
    translator = get_translator(current_app)
    job = claim(job_id, available_pairs(translator))
    if job is None:
        return None
    if _job_listener is not None:
        _job_listener(job.id)
    try:
        return run_job(job, translator)
    finally:
        if _job_listener is not None:
            _job_listener(None)


def give_up_attempt(job_id: int, reason: str, max_attempts: int | None = None) -> JobStatus:
    """The supervisor stopped (or lost) the process running this job: an attempt spent,
    retried with backoff or failed like any other error (after `max_attempts` at most).
    A job no longer running is left alone."""
    log.warning("translation job %s: %s", job_id, reason)
    return _retry_or_fail(job_id, reason, max_attempts)


def release(job_id: int, reason: str) -> JobStatus:
    """The worker was stopped mid-job (a shutdown): the job waits for the next worker."""
    return _back_to_pending(job_id, reason)


def run_pending(limit: int | None = None) -> int:
    """Run due jobs until none is left (or `limit`); returns how many ran."""
    done = 0
    while limit is None or done < limit:
        if process() is None:
            break
        done += 1
    return done


def retry_failed() -> list[int]:
    """Give every failed job a fresh set of attempts (moderators' button, `retranslate --failed`)."""
    ids = db.session.execute(db.select(TranslationJob.id).where(TranslationJob.status == JobStatus.FAILED)
                             ).scalars().all()
    if ids:
        db.session.execute(update(TranslationJob).where(TranslationJob.id.in_(ids)).values(
            status=JobStatus.PENDING, attempts=0, next_attempt_at=utcnow(), finished_at=None, dispatched_at=None))
        db.session.commit()
        dispatch(ids)
    return list(ids)


# --- the sweeper --------------------------------------------------------------------------

def sweep(redispatch_after: float | None = None) -> tuple[int, int]:
    """Expired leases go back to pending; with RQ, pending jobs not dispatched lately are re-sent.

    Returns (leases expired, jobs re-dispatched).
    """
    now = utcnow()
    lost = and_(TranslationJob.status == JobStatus.RUNNING, TranslationJob.lease_until < now)
    # A job whose every attempt lost its worker (a crash, an OOM kill) stops here, visibly.
    exhausted = TranslationJob.attempts >= current_app.config["TRANSLATION_MAX_ATTEMPTS"]
    failed = db.session.execute(
        update(TranslationJob).where(lost, exhausted)
        .values(status=JobStatus.FAILED, lease_until=None, finished_at=now,
                last_error="the worker was lost during every attempt")
    ).rowcount
    expired = db.session.execute(
        update(TranslationJob).where(lost)
        .values(status=JobStatus.PENDING, lease_until=None, last_error="lease expired (worker lost)")
    ).rowcount + failed
    db.session.commit()
    redispatched = 0
    if worker_mode(current_app) == "rq":
        after = current_app.config["TRANSLATION_REDISPATCH_SECONDS"] if redispatch_after is None else redispatch_after
        stale = now - timedelta(seconds=after)
        ids = db.session.execute(
            db.select(TranslationJob.id).where(
                TranslationJob.status == JobStatus.PENDING, TranslationJob.next_attempt_at <= now,
                or_(TranslationJob.dispatched_at.is_(None), TranslationJob.dispatched_at <= stale))
            .order_by(TranslationJob.id).limit(1000)
        ).scalars().all()
        db.session.commit()
        if ids:
            _rq_enqueue(ids)
            redispatched = len(ids)
    return expired, redispatched


# --- RQ -----------------------------------------------------------------------------------

def redis_connection(app: Flask):
    from redis import Redis

    return Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)


def rq_queue(app: Flask):
    from rq import Queue

    return Queue(RQ_QUEUE, connection=redis_connection(app),
                 default_timeout=app.config["TRANSLATION_LEASE_SECONDS"])


def _rq_enqueue(ids: list[int]) -> None:
    queue = rq_queue(current_app)
    with queue.connection.pipeline() as pipe:
        for job_id in ids:
            queue.enqueue("forum.jobs.rq_process", job_id, pipeline=pipe)
        pipe.execute()
    db.session.execute(update(TranslationJob).where(TranslationJob.id.in_(ids)).values(dispatched_at=utcnow()))
    db.session.commit()


_worker_app: Flask | None = None


def set_worker_app(app: Flask) -> None:
    """`flask translation worker` registers its app here, so RQ jobs run in it."""
    global _worker_app
    _worker_app = app


def rq_process(job_id: int) -> str | None:
    """The RQ entry point: a wake-up for one job; a duplicate delivery finds nothing to claim."""
    app = _worker_app
    if app is None:
        from . import create_app

        app = create_app()
        set_worker_app(app)
    with app.app_context():
        status = process(job_id)
        db.session.remove()
        return status.value if status else None
