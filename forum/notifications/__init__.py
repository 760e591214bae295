"""In-app notifications: replies in watched threads, mentions, accepted answers, settled flags and
corrected translations; the header's unread count and the notifications page."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from . import routes  # noqa: E402,F401
