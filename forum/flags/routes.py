"""GET/POST /posts/<id>/flag: a member flags a post or reports a bad translation of it.

404 for a post the member may not see (deleted, hidden, in a hidden thread); 403 for a suspended
member or their own post (except its translations); a second flag of the same post is refused with a
message, also when two requests race. The budget (FLAG_RATE_LIMIT) is spent by each POST.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import FlagReason, Post
from ..rate_limits import charged
from ..threads import reading
from . import bp, services
from .forms import FlagForm


def _post_or_404(post_id: int) -> Post:
    post = db.session.execute(db.select(Post).options(joinedload(Post.thread)).filter_by(id=post_id)
                              ).scalar_one_or_none()
    if post is None or not services.may_see(post, current_user):
        abort(404)
    return post


def _refused(message, status: int = 403):
    return render_template("errors/error.html", code=status, message=message), status


def _back(post: Post):
    return redirect(url_for("threads.post_link", post_id=post.id))


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
@charged(services.FLAGS, methods=("POST",))
def flag(post_id: int):
    post = _post_or_404(post_id)
    languages = services.other_languages(post)
    if current_user.suspended:
        return _refused(services.SUSPENDED)
    if services.already_flagged(current_user, post):
        flash(str(services.ALREADY_FLAGGED), "info")
        return _back(post)
    if request.method == "GET":
        # "Report a bad translation" links preselect the reason and the language.
        reason = request.args.get("reason")
        language = request.args.get("language")
        form = FlagForm(languages,
                        reason=reason if reason in {r.value for r in FlagReason} else None,
                        language=language if language in languages else "")
    else:
        form = FlagForm(languages)
    own = post.author_id == current_user.id
    if own:
        # Only a bad translation of one's own post can be reported (the author edits or deletes the rest).
        form.reason.choices = [c for c in form.reason.choices if c.value == FlagReason.TRANSLATION.value]
    if form.validate_on_submit():
        try:
            services.flag_post(post, current_user, FlagReason(form.reason.data), form.note.data,
                               form.language.data or None)
        except services.FlagRefused as refusal:
            if refusal.status == 409:
                flash(str(refusal.message), "info")
                return _back(post)
            if refusal.field and refusal.status == 422:
                getattr(form, refusal.field).errors = [*getattr(form, refusal.field).errors, refusal.message]
            else:
                return _refused(refusal.message, refusal.status)
        else:
            flash(_("Thank you: the moderators will look at this post."), "success")
            return _back(post)
    view = reading.post_views(db.select(Post).where(Post.id == post.id), reading.reader_language())[0]
    status = 400 if request.method == "POST" else 200
    return render_template("flags/flag.html", post=post, view=view, form=form, own=own), status


# What the templates ask: the footer's links and the header's number.

@bp.app_template_global()
def may_flag(post: Post) -> bool:
    """The post footer's "Flag" link: a member (not its author) who reads the post as members do."""
    return (current_user.is_authenticated and not current_user.suspended and post.author_id != current_user.id
            and not post.is_hidden and not post.is_deleted)


@bp.app_template_global()
def may_report_translation(post: Post) -> bool:
    """"Report a bad translation" (where the reader sees a machine translation): authors too."""
    return (current_user.is_authenticated and not current_user.suspended and not post.is_hidden
            and not post.is_deleted)


@bp.app_template_global()
def open_flag_count() -> int:
    """Posts with open flags, for the moderators' header: one COUNT, asked only by their pages
    (templates/flags/_nav.html checks the role first), once per request."""
    from flask import g

    if "open_flag_count" not in g:
        g.open_flag_count = services.open_post_count()
    return g.open_flag_count


@bp.app_template_global()
def correction_url(post_id: int, language: str) -> str | None:
    """The correction form for a reported translation (forum/corrections/, another feature); None
    while that feature is not installed, so the queue still renders."""
    from werkzeug.routing import BuildError

    try:
        return url_for("corrections.edit", post_id=post_id, lang=language)
    except BuildError:
        return None
