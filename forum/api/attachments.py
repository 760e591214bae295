"""/api/v1 attachments: add a file to a post (multipart, one `file`), remove one."""
from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l

from ..attachments import services as attachments
from ..attachments.detection import NotAllowed, RefusedFile
from ..extensions import db
from ..models import Attachment
from ..rate_limits import EDITS, charged
from . import bp, serializers
from .errors import ApiError
from .routes import MAX_ID, _post_or_404


@bp.post("/posts/<int:post_id>/attachments")
@charged(EDITS)
def upload_attachment(post_id: int):
    post = _post_or_404(post_id)
    if not attachments.may_read(post, g.api_user):
        raise ApiError(404, _l("No post with this id."))
    if not attachments.may_change(post, g.api_user):
        raise ApiError(403, _l("Only the author or a moderator can add files to a post."))
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, _l("Send the file as multipart/form-data, in a field named 'file'."))
    files = [f for f in request.files.getlist("file") if f]
    if len(files) != 1 or set(request.files) - {"file"} or request.form:
        raise ApiError(422, fields={"file": _l("Send exactly one file, in a field named 'file'.")})
    try:
        row = attachments.add_to_post(post, g.api_user, files[0])
    except attachments.TooBig as refused:
        raise ApiError(413, refused.message)
    except NotAllowed as refused:
        raise ApiError(415, refused.message)
    except RefusedFile as refused:  # empty, or one too many for the post
        raise ApiError(422, fields={"file": refused.message})
    response = jsonify(serializers.attachment(row))
    response.status_code = 201
    response.headers["Location"] = serializers.attachment(row)["url"]
    return response


@bp.delete("/attachments/<int:attachment_id>")
@charged(EDITS, methods=("DELETE",))
def delete_attachment(attachment_id: int):
    row = db.session.get(Attachment, attachment_id) if 0 < attachment_id <= MAX_ID else None
    if row is None or not attachments.may_read(row.post, g.api_user):
        raise ApiError(404, _l("No attachment with this id."))
    if not attachments.may_change(row.post, g.api_user):
        raise ApiError(403, _l("Only the author or a moderator can remove a post's files."))
    attachments.remove(row)
    return "", 204

