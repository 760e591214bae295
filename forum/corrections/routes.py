"""GET/POST /posts/<id>/translations/<lang>/correct: the correction form, the original beside it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Post
from ..rate_limits import EDITS, charged
from ..text import ascii_int
from ..threads import reading
from ..threads.services import is_first_post
from . import bp, services
from .forms import CorrectionForm


@bp.app_template_global()
def can_correct(post: Post, language: str) -> bool:
    return services.may_correct(current_user, post, language)


@bp.route("/posts/<int:post_id>/translations/<lang>/correct", methods=["GET", "POST"])
@login_required
@charged(EDITS)
def edit(post_id: int, lang: str):
    try:
        post = services.target_post(post_id, lang)
    except services.NotFound:
        abort(404)
    refusal = services.refusal(current_user, post, lang) or \
        services.overwrite_refusal(current_user, post, lang)
    if refusal is not None:
        return render_template("errors/error.html", code=403, message=refusal), 403
    first = is_first_post(post)
    existing = services.correction_of(post, lang)
    machine = reading.post_views(db.select(Post).where(Post.id == post.id), lang, apply_reader_controls=False)
    translation = machine[0].translation if machine else None
    form = CorrectionForm()
    if not first:
        del form.title
    if request.method == "GET":
        _prefill(form, post, first, existing, translation)
    if form.validate_on_submit():
        if ascii_int(form.revision.data, max_digits=9) != post.revision:
            flash(_("The author edited this post while you were correcting it. Your text is still below; "
                    "compare it with the new original before saving."), "error")
            form.revision.data = str(post.revision)
            return _page(post, lang, form, existing, translation, first), 409
        services.save(post, current_user, lang, form.body.data, form.title.data if first else None)
        flash(_("The corrected translation is saved."), "success")
        return redirect(url_for("threads.post_link", post_id=post.id))
    return _page(post, lang, form, existing, translation, first), 400 if form.errors else 200


def _prefill(form: CorrectionForm, post: Post, first: bool, existing, translation) -> None:
    """Start from the current text: the correction of this revision, else the machine's, else an
    out-of-date correction, else nothing."""
    current = existing if existing is not None and existing.revision == post.revision else None
    machine = translation if translation is not None and translation.revision == post.revision else None
    source = current or machine or existing
    form.body.data = source.body if source is not None else ""
    if first:
        form.title.data = (source.title if source is not None and source.title else "")
    form.revision.data = str(post.revision)


def _page(post, lang, form, existing, translation, first):
    return render_template("corrections/edit.html", post=post, lang=lang, form=form, existing=existing,
                           translation=translation, first=first)
