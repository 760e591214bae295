"""Watching: a member's level (watching, tracking, muted) for a thread or a category, the forms that
choose it (routes.py), and unread tracking (unread.py: read marks and the lists' "N new")."""
from flask import Blueprint

bp = Blueprint("watching", __name__)

from . import routes  # noqa: E402,F401
