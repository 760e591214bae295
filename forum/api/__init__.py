"""JSON API v1 (/api/v1): personal bearer tokens, the same services as the pages."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from . import attachments, deletion, glossary, jobs, library, moderation, people, questions, routes  # noqa: E402,F401
