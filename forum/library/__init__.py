"""The best-practice library: threads moderators promote with a translated one-line summary, and its
open-data export (CSV, JSON, and the API's /best-practices)."""
from flask import Blueprint

bp = Blueprint("library", __name__)

from . import services  # noqa: E402,F401  (registers the "summary" field with the translation jobs)
from . import routes  # noqa: E402,F401
