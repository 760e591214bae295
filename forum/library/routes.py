"""The library page, its exports, and the moderators' promote / edit / remove of an entry."""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import LibraryTopic, Thread
from ..permissions import moderator_required
from ..threads import reading as thread_reading
from . import bp, export, reading, services
from .forms import NO_CITY, LibraryEntryForm, RemoveEntryForm
from .topics import TOPIC_NAMES, topic_from_value


def _is_moderator() -> bool:
    return bool(current_user.is_authenticated and current_user.is_moderator)


@bp.app_template_global()
def topic_name(topic: LibraryTopic) -> str:
    return str(TOPIC_NAMES[topic])


@bp.app_template_global()
def library_entry_view(thread: Thread):
    """For the thread page's badge: the thread's entry in the reader's language, or None."""
    return reading.entry_view(thread, thread_reading.reader_language(), include_hidden=_is_moderator())


@bp.route("/best-practices")
def index():
    raw_topic = request.args.get("topic") or None
    topic = topic_from_value(raw_topic)
    if raw_topic and topic is None:
        abort(404)
    language = thread_reading.reader_language()
    views = reading.entry_views(language, topic, include_hidden=_is_moderator())
    groups = [(t, [v for v in views if v.entry.topic == t]) for t in TOPIC_NAMES]
    return render_template("library/index.html", groups=[g for g in groups if g[1]], topic=topic,
                           topics=list(TOPIC_NAMES), reader_language=language, city_label=reading.city_label)


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/best-practices/export.csv")
def export_csv():
    return _download(export.as_csv(), "text/csv; charset=utf-8", "best-practices.csv")


@bp.route("/best-practices/export.json")
def export_json():
    body = json.dumps(export.as_json(), ensure_ascii=False, indent=1)
    return _download(body, "application/json", "best-practices.json")


def _thread_or_404(thread_id: int) -> Thread:
    return db.session.get(Thread, thread_id) or abort(404)


@bp.route("/t/<int:thread_id>/library", methods=["GET", "POST"])
@moderator_required
def edit(thread_id: int):
    """Promote the thread (no entry yet) or edit its entry: one form for both."""
    thread = _thread_or_404(thread_id)
    entry = services.entry_for(thread)
    first = services.first_post(thread)
    if entry is None and (first is None or first.is_deleted or first.is_hidden):
        flash(_("A thread whose first post is hidden or deleted cannot go into the library."), "error")
        return redirect(url_for("threads.thread", thread_id=thread.id))
    form = LibraryEntryForm(obj=None)
    if request.method == "GET" and entry is not None:
        form.summary.data, form.language.data = entry.summary, entry.summary_language
        form.topic.data = entry.topic.value
        form.city.data = str(entry.city_id) if entry.city_id else NO_CITY
    if form.validate_on_submit():
        topic = LibraryTopic(form.topic.data)
        if entry is None:
            try:
                services.promote(thread, current_user, form.summary.data, form.language.data, topic, form.city_id())
            except services.AlreadyInLibrary:
                flash(_("Another moderator put this thread into the library meanwhile: here is their entry, "
                        "which you can edit."), "error")
                return redirect(url_for("library.edit", thread_id=thread.id))
            flash(_("The thread is in the best-practice library."), "success")
        else:
            services.update(entry, current_user, form.summary.data, form.language.data, topic, form.city_id())
            flash(_("The library entry is saved."), "success")
        return redirect(url_for("threads.thread", thread_id=thread.id))
    status = 400 if request.method == "POST" else 200
    title = thread_reading.thread_title(thread, thread_reading.reader_language())
    return render_template("library/edit.html", thread=thread, title=title, entry=entry, form=form,
                           remove_form=RemoveEntryForm()), status


@bp.post("/t/<int:thread_id>/library/remove")
@moderator_required
def remove(thread_id: int):
    thread = _thread_or_404(thread_id)
    entry = services.entry_for(thread)
    if not RemoveEntryForm().validate_on_submit():
        abort(400)
    if entry is not None:
        services.remove(entry)
        flash(_("The thread is no longer in the library."), "success")
    return redirect(url_for("threads.thread", thread_id=thread.id))
