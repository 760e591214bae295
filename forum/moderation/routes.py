"""Moderators' view of translation problems: failed jobs (and a way to try them again), and the
translations the guardrails found suspect."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload

from .. import guardrails, jobs
from ..extensions import db
from ..models import JobStatus, Post, TranslationJob
from ..permissions import moderator_required
from . import bp


@bp.route("/translations")
@moderator_required
def translations():
    failed = db.session.execute(
        db.select(TranslationJob).options(joinedload(TranslationJob.post).joinedload(Post.thread))
        .where(TranslationJob.status == JobStatus.FAILED).order_by(TranslationJob.finished_at.desc()).limit(200)
    ).scalars().all()
    counts = {status.value: count for status, count in db.session.execute(
        db.select(TranslationJob.status, db.func.count(TranslationJob.id)).group_by(TranslationJob.status)).all()}
    suspect = db.session.execute(
        db.select(TranslationJob).options(joinedload(TranslationJob.post).joinedload(Post.thread))
        .where(TranslationJob.suspect_reason.is_not(None))
        .order_by(TranslationJob.finished_at.desc(), TranslationJob.id.desc()).limit(50)
    ).scalars().all()
    fallback = TranslationJob.suspect_reason.like(f"{guardrails.FALLBACK}%")
    suspect_total, suspect_fixed = db.session.execute(
        db.select(db.func.count(TranslationJob.id), db.func.count(db.case((fallback, 1))))
        .where(TranslationJob.suspect_reason.is_not(None))).one()
    return render_template("moderation/translations.html", failed=failed, counts=counts, form=FlaskForm(),
                           suspect=suspect, suspect_total=suspect_total, suspect_fixed=suspect_fixed,
                           fallback_prefix=guardrails.FALLBACK)


@bp.post("/translations/retry")
@moderator_required
def retry_failed():
    if not FlaskForm().validate_on_submit():
        abort(400)
    ids = jobs.retry_failed()
    flash(ngettext("%(num)d failed translation is queued again.", "%(num)d failed translations are queued again.",
                   len(ids)), "success")
    return redirect(url_for("moderation.translations"))
