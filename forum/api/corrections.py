"""PUT /api/v1/posts/{id}/translations/{language}: a person's correction of a post's translation."""
from __future__ import annotations

from flask import g, jsonify
from flask_babel import lazy_gettext as _l

from ..corrections import services as corrections
from ..extensions import db
from ..models import Post
from ..rate_limits import EDITS, charged
from ..threads import reading
from ..threads.forms import BODY_MAX, TITLE_MAX
from ..threads.services import is_first_post
from . import bp, serializers
from .errors import ApiError
from .validation import Field, json_body


@bp.put("/posts/<int:post_id>/translations/<string:language>")
@charged(EDITS, methods=("PUT",))
def correct_translation(post_id: int, language: str):
    try:
        post = corrections.target_post(post_id, language)
    except corrections.OwnLanguage:
        raise ApiError(422, fields={"language": corrections.OWN_LANGUAGE})
    except corrections.NotFound:
        raise ApiError(404, _l("No post with this id, or no translation into this language."))
    refusal = corrections.refusal(g.api_user, post, language) or \
        corrections.overwrite_refusal(g.api_user, post, language)
    if refusal is not None:
        raise ApiError(403, refusal)
    data = json_body({"body": Field(max_length=BODY_MAX), "title": Field(required=False, max_length=TITLE_MAX)})
    first = is_first_post(post)
    if "title" in data and not first:
        raise ApiError(422, fields={"title": _l("Only the first post of a thread has a title.")})
    corrections.save(post, g.api_user, language, data["body"], data.get("title"))
    # As read in that language, whatever the corrector's own reader controls: the correction itself.
    view = reading.post_views(db.select(Post).where(Post.id == post.id), language, apply_reader_controls=False)[0]
    return jsonify(serializers.post(view, language))
