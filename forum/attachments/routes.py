from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge

from ..extensions import db
from ..models import Attachment
from . import bp, services
from .detection import KINDS

# Pages and API endpoints that take files: their requests may be as large as their files allow.
UPLOAD_ENDPOINTS = frozenset({"threads.new_thread", "threads.reply", "threads.edit_post",
                              "api.upload_attachment"})
FORM_OVERHEAD = 1024 * 1024  # the text fields around the files (MAX_FORM_MEMORY_SIZE caps them apart)
# A download is never a page: nothing in it runs, nothing is guessed from its bytes.
DOWNLOAD_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def upload_limit() -> int:
    return services.max_bytes() * services.per_post() + FORM_OVERHEAD


@bp.app_url_value_preprocessor
def allow_uploads(endpoint, _values) -> None:
    """Raise the request size limit for the forms that take files. A URL value preprocessor runs
    before every before_request function, so before CSRF protection parses the form under
    MAX_CONTENT_LENGTH (1 MiB everywhere else: a flood of JSON or text is refused early). Only a
    multipart body carries files; in it, MAX_FORM_MEMORY_SIZE still caps each text field."""
    if endpoint in UPLOAD_ENDPOINTS and request.mimetype == "multipart/form-data":
        request.max_content_length = upload_limit()


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    if request.endpoint not in UPLOAD_ENDPOINTS:
        from ..errors import MESSAGES, _page

        return _page(413, MESSAGES[413])
    message = _("That upload is too large: a post can have at most %(count)d files of at most %(size)s each.",
                count=services.per_post(), size=services.human_size(services.max_bytes()))
    if request.path.startswith("/api/"):
        from ..api.errors import error_response

        return error_response(413, message)
    return render_template("errors/error.html", code=413, message=message), 413


@bp.app_template_global()
def human_size(size: int) -> str:
    return services.human_size(size)


@bp.app_template_global()
def attachment_kind_label(attachment: Attachment) -> str:
    kind = KINDS.get(attachment.content_type)
    return kind.label if kind else attachment.content_type


@bp.app_template_global()
def attachment_delete_form() -> FlaskForm:
    return FlaskForm()


def _readable_or_404(attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not services.may_read(attachment.post, current_user):
        abort(404)  # a hidden or deleted post's files are not there, for whoever is not allowed
    return attachment


@bp.route("/attachments/<int:attachment_id>/<filename>")
def download(attachment_id: int, filename: str):
    attachment = _readable_or_404(attachment_id)
    kind = KINDS.get(attachment.content_type)
    if kind is None:
        abort(404)
    # Only images are ever shown in the page (the thumbnails under a post); everything else downloads.
    inline = request.args.get("inline") == "1" and kind.is_image
    try:
        stream = services.get_storage().open(attachment.storage_key)
    except FileNotFoundError:
        current_app.logger.error("attachment %s: file %s missing", attachment.id, attachment.storage_key)
        abort(404)
    response = send_file(stream, mimetype=kind.content_type, as_attachment=not inline,
                         download_name=attachment.filename, etag=attachment.sha256,
                         last_modified=attachment.created_at, conditional=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # Who may read it can change (a post hidden, a member logged out): no shared cache keeps it,
    # and the browser asks again each time (a 304 when unchanged).
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/attachments/<int:attachment_id>/delete")
@login_required
def delete(attachment_id: int):
    attachment = _readable_or_404(attachment_id)
    post = attachment.post
    if not services.may_change(post, current_user):
        abort(403)
    form = FlaskForm()
    if form.validate_on_submit():
        services.remove(attachment)
        flash(_("The attachment is removed."), "success")
    return redirect(url_for("threads.post_link", post_id=post.id))
