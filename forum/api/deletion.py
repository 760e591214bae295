"""/api/v1 deleting and restoring posts, with the pages' rules (forum/threads/deletion.py)."""
from __future__ import annotations

from flask import g
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Post
from ..threads import deletion, services
from . import bp
from .errors import ApiError
from .routes import MAX_ID, _post_json


def _post(post_id: int, deleted_ok: bool) -> Post:
    post = db.session.get(Post, post_id) if 0 < post_id <= MAX_ID else None
    if post is None or (post.is_deleted and not deleted_ok) or (post.is_hidden and not g.api_user.is_moderator):
        raise ApiError(404, _l("No post with this id."))
    return post


def delete_post(post_id: int):
    """DELETE /posts/{id}, routed by routes.post_resource (one rule with the edit)."""
    post = _post(post_id, deleted_ok=False)
    if not deletion.may_delete(g.api_user, post):
        raise ApiError(403, _l("Only the author or a moderator can delete a post."))
    services.delete_post(post, by=g.api_user)
    return "", 204


@bp.post("/posts/<int:post_id>/restore")
def restore_post(post_id: int):
    post = _post(post_id, deleted_ok=True)
    if not post.is_deleted:
        raise ApiError(409, _l("This post is not deleted."))
    try:
        deletion.check_restore(g.api_user, post)
    except deletion.RestoreRefused as refusal:
        raise ApiError(403, refusal.message)
    services.restore_post(post, by=g.api_user)
    return _post_json(post)
