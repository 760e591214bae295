"""Accept a reply as a question's answer, or clear it: POST forms from the thread page."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Post, Thread
from . import bp, services
from .forms import AcceptAnswerForm, ClearAnswerForm


def _thread_or_404(thread_id: int) -> Thread:
    thread = db.session.execute(
        db.select(Thread).options(joinedload(Thread.category)).filter_by(id=thread_id)
    ).scalar_one_or_none()
    return thread or abort(404)


def _back(thread: Thread):
    return redirect(url_for("threads.thread", thread_id=thread.id))


@bp.post("/t/<int:thread_id>/accept")
@login_required
def accept(thread_id: int):
    thread = _thread_or_404(thread_id)
    if not services.may_accept(current_user, thread):
        abort(403)
    form = AcceptAnswerForm()
    if not form.validate_on_submit():
        flash(_("Choose the reply to accept."), "error")
        return _back(thread)
    post = db.session.get(Post, form.post_id.data)
    # A hidden post is not revealed to members (the same answer as a post that does not exist).
    if post is None or (post.is_hidden and not current_user.is_moderator):
        flash(_("Only a reply in this thread can be its accepted answer."), "error")
        return _back(thread)
    try:
        services.accept(thread, post, current_user)
    except services.NotAcceptable as refusal:
        flash(str(refusal.message), "error")
        return _back(thread)
    flash(_("The reply is marked as the accepted answer."), "success")
    return redirect(url_for("threads.post_link", post_id=post.id))


@bp.post("/t/<int:thread_id>/accept/clear")
@login_required
def clear(thread_id: int):
    thread = _thread_or_404(thread_id)
    if not services.may_accept(current_user, thread):
        abort(403)
    if ClearAnswerForm().validate_on_submit():
        services.clear(thread, current_user)
        flash(_("The question has no accepted answer now."), "success")
    return _back(thread)
