"""POST /t/<id>/watch and /c/<slug>/watch: a member chooses their level for a thread or a category.

The form sits on the thread and category pages (templates/watching/_watch_form.html); a bad level is
refused with a message and nothing changes. "Normal" on a thread drops the thread's own level, so
it follows its category again.
"""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import visibility
from ..extensions import db
from ..models import Category, Thread
from . import bp, services
from .forms import PREFIX, SHORT_NAMES, WatchForm, level_value, parse_level


@bp.post("/t/<int:thread_id>/watch")
@login_required
def watch_thread(thread_id: int):
    thread = db.session.get(Thread, thread_id)
    if thread is None or not visibility.thread_is_visible(thread):
        abort(404)
    target = url_for("threads.thread", thread_id=thread.id)
    form = WatchForm(prefix=PREFIX)
    if not form.validate_on_submit():
        flash(_("Please choose one of the levels in the list."), "error")
        return redirect(target)
    level = parse_level(form.level.data)
    if level is None:
        services.clear_thread_level(current_user, thread)
    else:
        services.set_thread_level(current_user, thread, level)
    db.session.commit()
    flash(_("This thread's level is now: %(level)s.",
            level=SHORT_NAMES[level_value(services.thread_level(current_user, thread))]), "success")
    return redirect(target)


@bp.post("/c/<slug>/watch")
@login_required
def watch_category(slug: str):
    category = db.session.execute(db.select(Category).filter_by(slug=slug)).scalar_one_or_none() or abort(404)
    target = url_for("threads.category", slug=category.slug)
    form = WatchForm(prefix=PREFIX)
    if not form.validate_on_submit():
        flash(_("Please choose one of the levels in the list."), "error")
        return redirect(target)
    services.set_category_level(current_user, category.id, parse_level(form.level.data))
    db.session.commit()
    flash(_("This category's level is now: %(level)s.", level=SHORT_NAMES[form.level.data]), "success")
    return redirect(target)


@bp.app_template_global()
def thread_watch_form(thread: Thread) -> dict | None:
    """The watch form of a thread page with the member's current level (None for visitors)."""
    if not current_user.is_authenticated:
        return None
    own, inherited = services.thread_levels(current_user, thread)
    form = WatchForm(prefix=PREFIX, formdata=None, level=level_value(own or inherited))
    return {"form": form, "action": url_for("watching.watch_thread", thread_id=thread.id),
            "explicit": own is not None, "inherited": level_value(inherited) if inherited else None}


@bp.app_template_global()
def category_watch_form(category: Category) -> dict | None:
    if not current_user.is_authenticated:
        return None
    level = services.category_level(current_user, category.id)
    return {"form": WatchForm(prefix=PREFIX, formdata=None, level=level_value(level)),
            "action": url_for("watching.watch_category", slug=category.slug), "explicit": level is not None,
            "inherited": None}
