"""GET/PUT /api/v1/threads/{id}/watch: the caller's watch level for a thread (forum/watching/).

"regular" is no level of the thread's own: PUT "regular" drops it, and the thread follows its
category's level again (`explicit` false, `level` the category's or "regular").
"""
from __future__ import annotations

from flask import g, jsonify, request

from ..extensions import db
from ..models import Thread
from ..watching import services
from ..watching.forms import LEVELS, level_value, parse_level
from . import bp
from .routes import _thread_or_404
from .validation import Field, json_body


def watch_json(thread: Thread) -> dict:
    own, inherited = services.thread_levels(g.api_user, thread)
    return {"thread_id": thread.id, "level": level_value(own or inherited), "explicit": own is not None,
            "category_level": level_value(inherited)}


@bp.route("/threads/<int:thread_id>/watch", methods=["GET", "PUT"])
def thread_watch(thread_id: int):
    """One rule for both methods (see routes.post_resource: a too-large id is a 404 for both)."""
    thread = _thread_or_404(thread_id)
    if request.method == "PUT":
        level = parse_level(json_body({"level": Field(choices=LEVELS, max_length=10)})["level"])
        if level is None:
            services.clear_thread_level(g.api_user, thread)
        else:
            services.set_thread_level(g.api_user, thread, level)
        db.session.commit()
    return jsonify(watch_json(thread))
