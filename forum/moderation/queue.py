"""The moderators' queue (/moderation): open flags grouped by post, each post in the moderator's
language beside its original; resolve with no action, or hide the post. Corrections of a reported
translation are another page (corrections.edit), which resolves those flags itself.

POST only, CSRF-checked, moderators only (members get 403 and nothing changes). Every resolution is
in the audit log (flags.services.resolve_for_post).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from ..extensions import db
from ..flags import services as flags
from ..flags.forms import ResolveForm
from ..models import FlagResolution, Post
from ..permissions import moderator_required
from ..text import ascii_int
from ..threads import reading
from . import bp, services

PER_PAGE = 20


def _page() -> int:
    value = ascii_int(request.args.get("page") or "1", max_digits=6)
    return value if value and value > 0 else 1


@bp.route("")
@moderator_required
def queue():
    page = flags.queue_page(reading.reader_language(), _page(), PER_PAGE)
    if page.page > page.pages:
        return redirect(url_for("moderation.queue", page=page.pages if page.pages > 1 else None))
    return render_template("moderation/queue.html", page=page, form=ResolveForm(formdata=None),
                           reason_names=flags.REASON_NAMES)


def _post(post_id: int) -> Post:
    return db.session.get(Post, post_id) or abort(404)


def _form() -> ResolveForm:
    """The submitted form; its note's errors are the caller's to show (CSRF is checked app-wide)."""
    form = ResolveForm()
    if not form.validate_on_submit() and ("csrf_token" in form.errors or not form.is_submitted()):
        abort(400)
    return form


def _back():
    page = ascii_int(request.form.get("page") or "", max_digits=6)
    return redirect(url_for("moderation.queue", page=page if page and page > 1 else None))


def _resolved(ids: list[int]) -> None:
    if ids:
        flash(ngettext("%(num)d flag is resolved.", "%(num)d flags are resolved.", len(ids)), "success")
    else:
        flash(_("Nothing left to resolve: another moderator handled these flags."), "info")


@bp.post("/posts/<int:post_id>/flags/dismiss")
@moderator_required
def dismiss_flags(post_id: int):
    post = _post(post_id)
    form = _form()
    if form.note.errors:
        flash(form.note.errors[0], "error")
        return _back()
    ids = flags.resolve_for_post(post, current_user, FlagResolution.DISMISSED, note=form.note.data)
    db.session.commit()
    _resolved(ids)
    return _back()


@bp.post("/posts/<int:post_id>/flags/hide")
@moderator_required
def hide_flagged(post_id: int):
    post = _post(post_id)
    form = _form()
    if form.note.errors:
        flash(form.note.errors[0], "error")
        return _back()
    # Resolved in the session first: services.hide commits both in one transaction.
    ids = flags.resolve_for_post(post, current_user, FlagResolution.HIDDEN, note=form.note.data)
    services.hide(post, current_user, reason=form.note.data)
    flash(_("The post is hidden: members no longer see it."), "success")
    _resolved(ids)
    return _back()


