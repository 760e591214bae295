"""/api/v1 accepted answers: POST (accept) and DELETE (clear) /posts/{id}/accept."""
from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Post, Thread
from ..questions import services
from ..threads import reading
from . import bp, serializers
from .errors import ApiError
from .routes import MAX_ID, _language


def _post_or_404(post_id: int) -> Post:
    """Deleted posts are gone in the API; hidden ones too, for members."""
    post = db.session.get(Post, post_id) if 0 < post_id <= MAX_ID else None
    if post is None or post.is_deleted or (post.is_hidden and not g.api_user.is_moderator):
        raise ApiError(404, _l("No post with this id."))
    return post


def _summary(thread: Thread) -> dict:
    language = _language()
    return serializers.thread_summary(reading.thread_title(thread, language), language)


@bp.route("/posts/<int:post_id>/accept", methods=["POST", "DELETE"])
def answer(post_id: int):
    """One rule for both methods (see routes.post_resource: two rules make a too-large id a 405)."""
    return clear_answer(post_id) if request.method == "DELETE" else accept_answer(post_id)


def accept_answer(post_id: int):
    post = _post_or_404(post_id)
    thread = post.thread
    if not services.may_accept(g.api_user, thread):
        raise ApiError(403, _l("Only the member who asked or a moderator can accept an answer."))
    try:
        services.accept(thread, post, g.api_user)
    except services.NotAcceptable as refusal:
        raise ApiError(422, refusal.message)
    return jsonify(_summary(thread))


def clear_answer(post_id: int):
    """Clear the accepted answer of this post's thread (whichever reply it is; none is not an error)."""
    post = _post_or_404(post_id)
    thread = post.thread
    if not services.may_accept(g.api_user, thread):
        raise ApiError(403, _l("Only the member who asked or a moderator can clear the accepted answer."))
    services.clear(thread, g.api_user)
    return jsonify(_summary(thread))
