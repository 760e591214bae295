"""/api/v1/glossary: members read the glossary; moderators add (POST) and delete (DELETE /{id}) entries,
with the same checks, audit entries and stale marking as the page (forum/glossary/services.py)."""
from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..glossary import services
from ..models import GlossaryTerm
from ..urls import external_url
from . import bp, serializers
from .errors import ApiError
from .routes import MAX_ID
from .validation import Field, json_body, query_choice, query_int, query_text

MODERATORS_ONLY = _l("Only moderators can change the glossary.")
LANGUAGES = ("en", "es", "pt")
FIELDS = {
    "kind": Field(choices=services.KINDS),
    "source_language": Field(required=False, choices=LANGUAGES),
    "target_language": Field(required=False, choices=LANGUAGES),
    "term": Field(max_length=services.TERM_MAX, single_line_text=True),
    "term_plural": Field(required=False, max_length=services.TERM_MAX, single_line_text=True),
    "translation": Field(required=False, max_length=services.TERM_MAX, single_line_text=True),
    "translation_plural": Field(required=False, max_length=services.TERM_MAX, single_line_text=True),
    "note": Field(required=False, max_length=services.NOTE_MAX, single_line_text=False),
}


def term_json(row: GlossaryTerm) -> dict:
    return {"id": row.id, "kind": row.kind, "source_language": row.source_language or None,
            "target_language": row.target_language or None, "term": row.term, "term_plural": row.term_plural,
            "translation": row.translation, "translation_plural": row.translation_plural, "note": row.note,
            "updated_at": serializers.iso(row.updated_at)}


def _moderator() -> None:
    if not g.api_user.is_moderator:
        raise ApiError(403, MODERATORS_ONLY)


@bp.get("/glossary")
def list_glossary():
    page = query_int("page", 1)
    # Sent empty: no text filter; otherwise the search's rules (not blank, no control characters).
    q = query_text("q", services.QUERY_MAX) if request.args.get("q") else None
    listing = services.listing(kind=query_choice("kind", services.KINDS, None),
                               source=query_choice("source", LANGUAGES, None),
                               target=query_choice("target", LANGUAGES, None), q=q, page=page)
    return jsonify({"terms": [term_json(row) for row in listing.items], "page": page, "pages": listing.pages,
                    "total": listing.total})


@bp.post("/glossary")
def add_glossary_term():
    _moderator()
    data = json_body(FIELDS)
    try:
        row = services.add(services.validate(data), g.api_user)
    except services.GlossaryError as error:
        db.session.rollback()
        if error.duplicate:
            raise ApiError(409, error.fields["term"], fields=error.fields) from None
        raise ApiError(422, fields=error.fields) from None
    response = jsonify(term_json(row))
    response.status_code = 201
    response.headers["Location"] = external_url("api.list_glossary", q=row.term)
    return response


@bp.delete("/glossary/<int:term_id>")
def delete_glossary_term(term_id: int):
    _moderator()
    row = db.session.get(GlossaryTerm, term_id) if 0 < term_id <= MAX_ID else None
    if row is None:
        raise ApiError(404, _l("No glossary entry with this id."))
    services.delete(row, g.api_user)
    return "", 204
