"""/api/v1 moderation: pin, lock, move threads; hide and restore posts. Moderators only (403 for
members, before anything is looked up or changed); the same services as the pages."""
from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l

from ..audit.log import REASON_MAX
from ..extensions import db
from ..models import Category, Thread
from ..moderation import services
from ..threads import reading
from . import bp, serializers
from .errors import ApiError
from .routes import _language, _post_json, _post_or_404, _thread_or_404
from .validation import Field, json_body

MODERATORS_ONLY = _l("Only moderators can do that.")


def _moderator() -> None:
    if not g.api_user.is_moderator:
        raise ApiError(403, MODERATORS_ONLY)


def _thread_response(thread: Thread):
    language = _language()
    return jsonify(serializers.thread_summary(reading.thread_title(thread, language), language))


@bp.route("/threads/<int:thread_id>/pin", methods=["POST", "DELETE"])
def pin_thread(thread_id: int):
    _moderator()
    thread = _thread_or_404(thread_id)
    services.set_pinned(thread, request.method == "POST")
    return _thread_response(thread)


@bp.route("/threads/<int:thread_id>/lock", methods=["POST", "DELETE"])
def lock_thread(thread_id: int):
    _moderator()
    thread = _thread_or_404(thread_id)
    services.set_locked(thread, request.method == "POST")
    return _thread_response(thread)


@bp.post("/threads/<int:thread_id>/move")
def move_thread(thread_id: int):
    _moderator()
    thread = _thread_or_404(thread_id)
    data = json_body({"category": Field(max_length=40)})
    category = db.session.execute(db.select(Category).filter_by(slug=data["category"])).scalar_one_or_none()
    if category is None:
        raise ApiError(422, fields={"category": _l("No such category.")})
    services.move(thread, category)
    return _thread_response(thread)


@bp.route("/posts/<int:post_id>/hide", methods=["POST", "DELETE"])
def hide_post(post_id: int):
    _moderator()
    post = _post_or_404(post_id)
    if request.method == "POST":
        # An optional body {"reason": "..."} for the audit log; no body at all is fine.
        reason = json_body({"reason": Field(required=False, max_length=REASON_MAX)}).get("reason") \
            if request.content_length or request.mimetype else None
        services.hide(post, g.api_user, reason=reason)
    else:
        services.restore(post)
    return jsonify(_post_json(post))
