"""/api/v1 flags: a member flags a post (POST /posts/{id}/flags); moderators read the queue
(GET /moderation/queue, 403 for members). The same services as the pages (forum/flags/services.py)."""
from __future__ import annotations

from flask import current_app, g, jsonify

from ..flags import services as flags
from ..models import Flag, FlagReason
from ..rate_limits import charged
from ..urls import external_url
from . import bp, serializers
from .errors import ApiError
from .moderation import _moderator
from .routes import _language, _post_or_404
from .validation import Field, json_body, query_int

REASONS = tuple(reason.value for reason in FlagReason)
PER_PAGE = 20


def flag_json(flag: Flag) -> dict:
    return {"id": flag.id, "post_id": flag.post_id, "reason": flag.reason.value, "language": flag.language,
            "note": flag.note, "created_at": serializers.iso(flag.created_at),
            # null: filed by the translation guardrails, not by a member
            "reporter": serializers.author(flag.reporter) if flag.reporter is not None else None}


@bp.post("/posts/<int:post_id>/flags")
@charged(flags.FLAGS, methods=("POST",))
def flag_post(post_id: int):
    post = _post_or_404(post_id)
    if post.is_hidden:  # moderators see it, but a hidden post is already dealt with
        raise ApiError(404)
    data = json_body({"reason": Field(choices=REASONS, max_length=20),
                      "note": Field(required=False, max_length=flags.NOTE_MAX),
                      "language": Field(required=False, choices=current_app.config["LANGUAGES"], max_length=2)})
    try:
        flag = flags.flag_post(post, g.api_user, FlagReason(data["reason"]), data.get("note"), data.get("language"))
    except flags.FlagRefused as refusal:
        if refusal.field:
            raise ApiError(refusal.status, fields={refusal.field: refusal.message}) from None
        raise ApiError(refusal.status, refusal.message) from None
    response = jsonify(flag_json(flag))
    response.status_code = 201
    return response


def _item_json(item, language: str) -> dict:
    post = item.post
    title = item.title
    return {
        "post": serializers.post(item.view, language),
        # Nothing of a deleted post's text leaves the server (as in serializers.post).
        "original": {"language": post.language, "body": None if post.is_deleted else post.body,
                     "body_html": None if post.is_deleted else post.body_html},
        "reported_translations": [] if post.is_deleted else [
            {"language": code, "body": row.body, "body_html": row.body_html}
            for code, row in sorted(item.reported.items())],
        "thread": {"id": post.thread_id, "title": title.title if title else post.thread.title,
                   "title_language": (language if title and title.translated else post.thread.language),
                   "original_title": post.thread.title,
                   "url": external_url("api.get_thread", thread_id=post.thread_id)},
        "flags": [flag_json(flag) for flag in item.flags],
        "latest_flag_at": serializers.iso(item.latest),
    }


@bp.get("/moderation/queue")
def moderation_queue():
    _moderator()
    language = _language()
    page = flags.queue_page(language, query_int("page", 1), PER_PAGE)
    return jsonify({"items": [_item_json(item, language) for item in page.items], "page": page.page,
                    "pages": page.pages, "total": page.total, "language": language})
