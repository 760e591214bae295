"""Watching and unread tracking: a member's level (watching, tracking, muted) for a thread or a
category, and how far they have read each thread (Discourse's model)."""
from flask import Blueprint

bp = Blueprint("watching", __name__)

from . import routes  # noqa: E402,F401
