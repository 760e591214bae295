"""/api/v1 notifications: GET /notifications (the caller's, newest first, in their language) and
POST /notifications/read ({"ids": [...]} or {"all": true}). The same services as the page
(forum/notifications/); only the caller's own notifications are read or changed."""
from __future__ import annotations

from flask import g, jsonify
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..notifications import services
from ..notifications.reading import NotificationView, notification_views
from . import bp, serializers
from .errors import ApiError
from .routes import MAX_ID, _language
from .validation import json_object, query_int

PER_PAGE = 25
MAX_IDS = 100


def notification_json(view: NotificationView) -> dict:
    n = view.notification
    excerpt = view.excerpt
    return {
        "id": n.id, "kind": view.kind, "unread": view.unread, "created_at": serializers.iso(n.created_at),
        "sentence": view.sentence,
        "thread": {"id": n.thread_id, "title": view.title},  # title null: the thread is hidden
        "post_id": n.post_id,
        # null too when the post or thread is hidden from the caller: so is its author
        "actor": {"id": n.actor.id, "display_name": n.actor.display_name}
        if n.actor is not None and not view.anonymous else None,
        "detail": n.detail,
        # null: no post, or it is deleted or hidden
        "excerpt": None if excerpt is None else {"text": excerpt.text, "language": excerpt.language,
                                                 "translated": excerpt.translated, "pending": excerpt.pending},
        "url": view.url,
    }


@bp.get("/notifications")
def list_notifications():
    language = _language()
    page = services.page_of(g.api_user, query_int("page", 1), PER_PAGE)
    return jsonify({"notifications": [notification_json(v) for v in notification_views(page.items, language)],
                    "page": page.page, "pages": page.pages, "total": page.total,
                    "unread": services.unread_count(g.api_user), "language": language})


def _read_body() -> list[int] | None:
    """The ids to mark (None: all), or an ApiError: exactly one of "ids" (at most MAX_IDS ids) and
    "all" (true)."""
    data, problems = json_object(("ids", "all"))
    if problems:
        raise ApiError(422, fields=problems)
    if ("ids" in data) == ("all" in data):
        raise ApiError(422, fields={"ids": _l('Send "ids" or "all": exactly one of them.')})
    if "all" in data:
        if data["all"] is not True:
            raise ApiError(422, fields={"all": _l("Must be true.")})
        return None
    ids = data["ids"]
    if not isinstance(ids, list):
        raise ApiError(422, fields={"ids": _l("Must be a list of notification ids.")})
    if len(ids) > MAX_IDS:
        raise ApiError(422, fields={"ids": _l("At most %(max)d ids.", max=MAX_IDS)})
    # JSON Schema's integers include 7.0 (what the document promises); true and "7" are no ids.
    if not all(isinstance(i, (int, float)) and not isinstance(i, bool) and 0 < i <= MAX_ID
               and float(i).is_integer() for i in ids):  # the range first: float(10**400) overflows
        raise ApiError(422, fields={"ids": _l("Must be a list of notification ids.")})
    return [int(i) for i in ids]


@bp.post("/notifications/read")
def read_notifications():
    ids = _read_body()
    marked = services.mark_read(g.api_user, ids)
    db.session.commit()
    return jsonify({"marked": marked, "unread": services.unread_count(g.api_user)})


# ---------------------------------------------------------------- the OpenAPI document's part

def openapi_paths() -> dict:
    from .openapi import AUTH_ERRORS, LANG_PARAM, PAGE_PARAM, _errors, _json, _ref

    return {
        "/notifications": {"get": {
            "operationId": "listNotifications",
            "summary": "Your notifications, newest first, in your language",
            "description": "Replies in threads you watch, mentions of you, your accepted answers, your settled "
                           "reports and corrections of your posts' translations. The excerpt is in the "
                           "requested language when a translation (or a person's correction) is stored, "
                           "else the original (translated false; pending true while the translation is "
                           "being made).",
            "parameters": [PAGE_PARAM, LANG_PARAM],
            "responses": {"200": _json(_ref("NotificationList"), "A page of notifications"),
                          **_errors(*AUTH_ERRORS, 422)}}},
        "/notifications/read": {"post": {
            "operationId": "markNotificationsRead",
            "summary": "Mark your notifications read: these ids (at most 100), or all",
            "description": "Ids of notifications that are not yours, or already read, change nothing; "
                           "the answer says how many were marked now.",
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": _ref("NotificationsRead")}}},
            "responses": {"200": _json(_ref("NotificationsMarked"), "How many were marked"),
                          **_errors(*AUTH_ERRORS, 400, 413, 415, 422)}}},
    }


def openapi_schemas() -> dict:
    from .openapi import DATE, LANG, _ref
    from ..models import NotificationKind

    excerpt = {"text": {"type": "string"}, "language": LANG,
               "translated": {"type": "boolean", "description": "In the requested language (a translation "
                                                                "or a person's correction)."},
               "pending": {"type": "boolean", "description": "The translation is not stored yet."}}
    item = {"id": {"type": "integer"}, "kind": {"type": "string", "enum": [k.value for k in NotificationKind]},
            "unread": {"type": "boolean"}, "created_at": DATE,
            "sentence": {"type": "string", "description": "What happened, in the requested language."},
            "thread": {"type": "object", "additionalProperties": False, "required": ["id", "title"],
                       "properties": {"id": {"type": "integer"},
                                      "title": {"type": ["string", "null"],
                                                "description": "In the requested language; null when the "
                                                               "thread is hidden."}}},
            "post_id": {"type": ["integer", "null"]},
            "actor": {"anyOf": [{"type": "object", "additionalProperties": False, "required": ["id", "display_name"],
                                 "properties": {"id": {"type": "integer"}, "display_name": {"type": "string"}}},
                                {"type": "null"}]},
            "detail": {"type": ["string", "null"],
                       "description": "A settled report's resolution, a correction's language."},
            "excerpt": {"anyOf": [{"type": "object", "additionalProperties": False, "required": list(excerpt),
                                   "properties": excerpt}, {"type": "null"}],
                        "description": "null: no post, or it was deleted or hidden."},
            "url": {"type": "string", "description": "The post's page on the forum."}}
    ids = {"type": "array", "maxItems": MAX_IDS, "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
    return {
        "Notification": {"type": "object", "additionalProperties": False, "required": list(item),
                         "properties": item},
        "NotificationList": {"type": "object", "additionalProperties": False,
                             "required": ["notifications", "page", "pages", "total", "unread", "language"],
                             "properties": {"notifications": {"type": "array", "items": _ref("Notification")},
                                            "page": {"type": "integer"}, "pages": {"type": "integer"},
                                            "total": {"type": "integer"},
                                            "unread": {"type": "integer", "description": "Unread in all."},
                                            "language": LANG}},
        "NotificationsRead": {"oneOf": [
            {"type": "object", "additionalProperties": False, "required": ["ids"], "properties": {"ids": ids}},
            {"type": "object", "additionalProperties": False, "required": ["all"],
             "properties": {"all": {"const": True}}}]},
        "NotificationsMarked": {"type": "object", "additionalProperties": False, "required": ["marked", "unread"],
                                "properties": {"marked": {"type": "integer"}, "unread": {"type": "integer"}}},
    }
