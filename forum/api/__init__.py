"""JSON API v1 (/api/v1): personal bearer tokens, the same services as the pages."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from . import (  # noqa: E402,F401
    attachments, audit, corrections, deletion, flags, glossary, jobs, library, me, moderation, notifications,
    people, questions, routes, watch)
