"""`flask translation worker | status | retranslate`: the translation jobs from the command line.

(The model commands, install/list/detect/translate, live in translation.py; these join the
same `flask translation` group.)
"""
from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import guardrails, jobs
from ..extensions import db
from ..models import (BODY_FIELD, FieldTranslation, JobStatus, Post, PostTranslation, Thread, TranslationJob,
                      utcnow)
from ..mail import outbox
from ..workers import horse
from ..workers.supervisor import Supervisor


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is due, then exit.")
@with_appcontext
def worker(burst: bool):
    """Run translation jobs: an RQ worker when REDIS_URL is set, else a database-polling loop.

    Either way the jobs run in a child process with a wall-clock limit per job
    (TRANSLATION_JOB_TIME_LIMIT); this process watches it and replaces it when needed.
    """
    app = current_app._get_current_object()
    mode = jobs.worker_mode(app)
    pairs = sorted(jobs.available_pairs(jobs.get_translator(app)))
    click.echo(f"Translation worker ({mode}); pairs with an engine: "
               + (", ".join(f"{s}->{t}" for s, t in pairs) or "none (jobs wait until a model is installed)"))
    kinds = {("rq", False): horse.RQ, ("rq", True): horse.RQ_BURST}
    supervisor = Supervisor(app, kinds.get((mode, burst), horse.BURST if burst else horse.EMBEDDED))
    # SIGTERM (systemd, docker stop): the current job may finish, then the worker stops.
    previous = signal.signal(signal.SIGTERM, lambda *_: supervisor.stop())
    stop = threading.Event()
    if mode == "rq":
        jobs.sweep(redispatch_after=0 if burst else None)
        if not burst:
            threading.Thread(target=_sweep_forever, args=(app, stop), name="translation-sweeper",
                             daemon=True).start()
    db.session.remove()
    try:
        supervisor.run()
    finally:
        stop.set()
        signal.signal(signal.SIGTERM, previous)
    if burst:
        click.echo("Ran the due jobs.")


def _sweep_forever(app, stop: threading.Event) -> None:
    # Expired leases and lost wake-ups (Redis flushed or restarted) are found in the database.
    while not stop.wait(app.config["TRANSLATION_POLL_SECONDS"]):
        try:
            with app.app_context():
                jobs.sweep()
                # With RQ the email outbox is sent from here (the horse is busy being an RQ worker).
                outbox.send_round()
                db.session.remove()
        except Exception:  # Redis down: try again next round
            app.logger.warning("sweep failed", exc_info=True)


@click.command("status")
@with_appcontext
def status():
    """Jobs per state and language pair, and the suspect ones the guardrails found."""
    rows = db.session.execute(
        db.select(TranslationJob.status, TranslationJob.source_language, TranslationJob.target_language,
                  db.func.count(TranslationJob.id))
        .group_by(TranslationJob.status, TranslationJob.source_language, TranslationJob.target_language)
        .order_by(TranslationJob.source_language, TranslationJob.target_language, TranslationJob.status)
    ).all()
    if not rows:
        click.echo("No translation jobs.")
        return
    click.echo(f"{'pair':8} {'state':11} {'jobs':>6}")
    for state, source, target, count in rows:
        click.echo(f"{source}->{target:5} {state.value:11} {count:>6}")
    translator = jobs.get_translator(current_app)
    pairs = jobs.available_pairs(translator)
    waiting = {(s, t) for state, s, t, _ in rows if state == JobStatus.PENDING and (s, t) not in pairs}
    for source, target in sorted(waiting):
        click.echo(f"{source}->{target}: no engine installed; these jobs wait for one.")
    _guardrail_status()


def _guardrail_status() -> None:
    """Jobs the guardrails found suspect, per pair: redone by a fallback engine, or kept for review."""
    fallback = TranslationJob.suspect_reason.like(f"{guardrails.FALLBACK}%")
    rows = db.session.execute(
        db.select(TranslationJob.source_language, TranslationJob.target_language,
                  db.func.count(TranslationJob.id), db.func.count(db.case((fallback, 1))))
        .where(TranslationJob.suspect_reason.is_not(None))
        .group_by(TranslationJob.source_language, TranslationJob.target_language)
        .order_by(TranslationJob.source_language, TranslationJob.target_language)
    ).all()
    total = sum(count for _s, _t, count, _f in rows)
    click.echo(f"Suspect translations (guardrails): {total}")
    if rows:
        click.echo(f"{'pair':8} {'suspect':>7} {'fallback':>8} {'review':>6}")
        for source, target, count, fixed in rows:
            click.echo(f"{source}->{target:5} {count:>7} {fixed:>8} {count - fixed:>6}")
    waiting = db.session.execute(db.select(db.func.count(PostTranslation.id))
                                 .where(PostTranslation.suspect_reason.is_not(None))).scalar_one()
    click.echo(f"Post translations kept for review now: {waiting} (flagged in the moderation queue)")


@click.command("retranslate")
@click.option("--all", "scope", flag_value="all", help="Every post, into every other language.")
@click.option("--stale", "scope", flag_value="stale",
              help="Posts and fields whose translation is missing, outdated, from another model version "
                   "or touched by a glossary change.")
@click.option("--failed", "scope", flag_value="failed", help="Jobs that gave up: try them again.")
@with_appcontext
def retranslate(scope: str | None):
    """Queue translations again (after a model upgrade, a glossary change, or failures).

    --stale also covers the short fields of posts (a job's department, a library summary)."""
    if scope is None:
        raise click.UsageError("choose one of --all, --stale or --failed")
    if scope == "failed":
        ids = jobs.retry_failed()
        click.echo(f"Queued {len(ids)} failed jobs again.")
        return
    versions = {(i.source, i.target): i.model_version for i in jobs.get_translator(current_app).pairs()}
    posts = db.session.execute(db.select(Post).where(Post.deleted_at.is_(None))).scalars().all()
    translations = {(t.post_id, t.language): t for t in db.session.execute(db.select(PostTranslation)).scalars()}
    queued = []
    for post in posts:
        for target in current_app.config["LANGUAGES"]:
            if target == post.language:
                continue
            current = translations.get((post.id, target))
            if scope == "stale" and current is not None and current.revision == post.revision \
                    and not current.stale \
                    and current.model_version == versions.get((post.language, target), current.model_version):
                continue
            queued.append(_requeue(post, target))
    queued += _requeue_fields(posts, scope, versions)
    db.session.commit()
    jobs.dispatch(queued)
    click.echo(f"Queued {len(queued)} translations.")


def _requeue(post: Post, target: str) -> int:
    """Reset (or create) the job for the post's current revision and this language."""
    job = db.session.execute(db.select(TranslationJob).filter_by(
        post_id=post.id, field=BODY_FIELD, revision=post.revision, target_language=target)).scalar_one_or_none()
    if job is not None and job.status in (JobStatus.PENDING, JobStatus.RUNNING):
        return job.id  # already on its way; resetting a running job would run it twice
    if job is None:
        job = TranslationJob(post_id=post.id, revision=post.revision, source_language=post.language,
                             target_language=target)
        db.session.add(job)
    job.status, job.attempts, job.next_attempt_at = JobStatus.PENDING, 0, utcnow()
    job.finished_at = job.dispatched_at = job.last_error = job.lease_until = job.suspect_reason = None
    db.session.flush()
    return job.id


def _requeue_fields(posts: list[Post], scope: str, versions: dict) -> list[int]:
    """The fields' jobs (every registered field of every post): missing, outdated or stale ones."""
    translations = {(t.post_id, t.field, t.language): t
                    for t in db.session.execute(db.select(FieldTranslation)).scalars()}
    # Every field today belongs to a thread's first post: only those are asked.
    first_posts = set(db.session.execute(db.select(Thread.first_post_id)).scalars())
    queued = []
    for post in posts:
        if post.id not in first_posts:
            continue
        for field in jobs.registered_fields():
            current = jobs.field_source(post, field)
            if current is None or not current[0].strip():
                continue
            text, language, revision = current
            for target in current_app.config["LANGUAGES"]:
                if target == language:
                    continue
                done = translations.get((post.id, field, target))
                if scope == "stale" and done is not None and not done.stale \
                        and done.source_hash == jobs.field_hash(text) \
                        and done.model_version == versions.get((language, target), done.model_version):
                    continue
                queued.append(_requeue_field(post, field, language, revision, target))
    return queued


def _requeue_field(post: Post, field: str, language: str, revision: int, target: str) -> int:
    job = db.session.execute(db.select(TranslationJob).filter_by(
        post_id=post.id, field=field, revision=revision, target_language=target)).scalars().first()
    if job is not None and job.status in (JobStatus.PENDING, JobStatus.RUNNING):
        return job.id
    if job is None:
        job = TranslationJob(post_id=post.id, field=field, revision=revision, source_language=language,
                             target_language=target)
        db.session.add(job)
    job.status, job.attempts, job.next_attempt_at = JobStatus.PENDING, 0, utcnow()
    job.finished_at = job.dispatched_at = job.last_error = job.lease_until = None
    db.session.flush()
    return job.id


COMMANDS = (worker, status, retranslate)
