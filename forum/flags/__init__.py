"""Flags: members report a post (spam, off-topic, ...) or a bad machine translation of it; the
translation guardrails file their own (no reporter). Moderators work through them in the queue
(forum/moderation/queue.py)."""
from flask import Blueprint

bp = Blueprint("flags", __name__)

from . import routes  # noqa: E402,F401
