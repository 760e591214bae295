"""GET /api/v1/audit: the audit log for administrators (403 for anyone else), with the page's filters.
Read only: the log has no write, edit or delete in the API."""
from __future__ import annotations

import re
from datetime import date

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l

from ..audit import reading
from ..models import AuditEntry
from . import bp, serializers
from .errors import ApiError
from .routes import MAX_ID, _language
from .validation import query_int, query_text

ADMINS_ONLY = _l("Only administrators can read the audit log.")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # RFC 3339 full-date, as the document's format "date"


def _text(name: str, max_length: int) -> str | None:
    return query_text(name, max_length) if request.args.get(name, "") != "" else None


def _date(name: str) -> date | None:
    raw = request.args.get(name, "")
    if raw == "":
        return None
    try:
        if _DATE.fullmatch(raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise ApiError(422, fields={name: _l("A date as YYYY-MM-DD.")})


def _filters() -> reading.Filters:
    target_id = query_int("target_id", 0, maximum=MAX_ID)
    return reading.Filters(action=_text("action", reading.ACTION_MAX), actor=_text("actor", reading.ACTOR_MAX),
                           target_type=_text("target_type", reading.TARGET_TYPE_MAX),
                           target_id=target_id or None, since=_date("since"), until=_date("until"))


def entry_json(entry: AuditEntry) -> dict:
    return {"id": entry.id, "action": entry.action, "description": reading.describe(entry.action),
            "actor": serializers.author(entry.actor) if entry.actor else None,
            "target_type": entry.target_type, "target_id": entry.target_id, "reason": entry.reason,
            "before": reading.value(entry.before), "after": reading.value(entry.after),
            "created_at": serializers.iso(entry.created_at)}


@bp.get("/audit")
def list_audit():
    # The parameters are checked first (they read nothing), so a bad one is a 422 for anyone.
    language = _language()
    page = query_int("page", 1)
    filters = _filters()
    if not g.api_user.is_admin:
        raise ApiError(403, ADMINS_ONLY)
    listing = reading.entries_page(filters, page)
    return jsonify({"entries": [entry_json(entry) for entry in listing.items], "page": page,
                    "pages": listing.pages, "total": listing.total, "language": language})
