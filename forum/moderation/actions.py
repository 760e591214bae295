"""Moderators' buttons on thread pages: pin, lock, move a thread; hide and restore a post.

POST only, CSRF-checked, moderators only (members get 403 and nothing changes); the writes are in
services.py, shared with the API. Also the template globals the thread pages ask (who may reply,
edit, start a thread), so pages and routes decide alike (policy.py).
"""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Category, Post, Thread
from ..permissions import moderator_required
from . import bp, policy, services
from .forms import HideForm, ModerationForm, MoveThreadForm


def _thread(thread_id: int) -> Thread:
    return db.session.get(Thread, thread_id) or abort(404)


def _post(post_id: int) -> Post:
    return db.session.get(Post, post_id) or abort(404)


def _checked(form) -> None:
    if not form.validate_on_submit():
        abort(400)


def _back(thread: Thread):
    return redirect(url_for("threads.thread", thread_id=thread.id))


def _toggle(thread_id: int, setter, on: bool, message: str):
    """Pin/unpin and lock/unlock: the same checks, one setter of services.py, one message."""
    thread = _thread(thread_id)
    _checked(ModerationForm())
    setter(thread, on)
    flash(message, "success")
    return _back(thread)


@bp.post("/threads/<int:thread_id>/pin")
@moderator_required
def pin(thread_id: int):
    return _toggle(thread_id, services.set_pinned, True, _("The thread is pinned to the top of its category."))


@bp.post("/threads/<int:thread_id>/unpin")
@moderator_required
def unpin(thread_id: int):
    return _toggle(thread_id, services.set_pinned, False, _("The thread is no longer pinned."))


@bp.post("/threads/<int:thread_id>/lock")
@moderator_required
def lock(thread_id: int):
    return _toggle(thread_id, services.set_locked, True, _("The thread is locked: members can no longer reply."))


@bp.post("/threads/<int:thread_id>/unlock")
@moderator_required
def unlock(thread_id: int):
    return _toggle(thread_id, services.set_locked, False, _("The thread is open for replies again."))


@bp.post("/threads/<int:thread_id>/move")
@moderator_required
def move(thread_id: int):
    thread = _thread(thread_id)
    form = MoveThreadForm()
    if not form.validate_on_submit():
        flash(_("Please choose a category."), "error")
        return _back(thread)
    category = db.session.execute(db.select(Category).filter_by(slug=form.category.data)).scalar_one()
    services.move(thread, category)
    flash(_("The thread is moved."), "success")
    return _back(thread)


@bp.post("/posts/<int:post_id>/hide")
@moderator_required
def hide(post_id: int):
    post = _post(post_id)
    form = HideForm()
    if not form.validate_on_submit():
        if "reason" not in form.errors:
            abort(400)
        flash(form.errors["reason"][0], "error")  # a reason too long: nothing is hidden
        return redirect(url_for("threads.post_link", post_id=post.id))
    services.hide(post, current_user, reason=form.reason.data)
    flash(_("The post is hidden: members no longer see it."), "success")
    return redirect(url_for("threads.post_link", post_id=post.id))


@bp.post("/posts/<int:post_id>/restore")
@moderator_required
def restore(post_id: int):
    post = _post(post_id)
    _checked(ModerationForm())
    services.restore(post)
    flash(_("The post is visible again."), "success")
    return redirect(url_for("threads.post_link", post_id=post.id))


# What the thread templates ask; the routes ask policy.py the same questions.

@bp.app_template_global()
def can_start_thread(category: Category) -> bool:
    return current_user.is_authenticated and policy.can_start_thread(current_user, category)


@bp.app_template_global()
def can_reply(thread: Thread) -> bool:
    return current_user.is_authenticated and policy.can_reply(current_user, thread)


@bp.app_template_global()
def can_edit_post(post: Post) -> bool:
    return current_user.is_authenticated and policy.edit_refusal(current_user, post) is None


@bp.app_template_global()
def moderation_form() -> ModerationForm:
    return ModerationForm()


@bp.app_template_global()
def move_thread_form(thread: Thread) -> MoveThreadForm:
    return MoveThreadForm(category=thread.category.slug, formdata=None)
