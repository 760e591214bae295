"""GET /api/v1/best-practices: the best-practice library as open data, the shape of /best-practices/export.json."""
from __future__ import annotations

from flask import jsonify

from ..library import export
from . import bp


@bp.get("/best-practices")
def list_best_practices():
    return jsonify(export.as_json())
