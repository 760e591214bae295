"""Email: the outbox (rows committed with their event, sent by the worker), handing messages to SMTP,
the daily digests (digests.py), one-click unsubscribe links (unsubscribe.py) and the pages: the
unsubscribe page and the admins' view of the outbox, /admin/mail (routes.py)."""
from flask import Blueprint

bp = Blueprint("mail", __name__)

from . import routes  # noqa: E402,F401
from ..notifications import emails  # noqa: E402,F401  (registers the notification and digest composers)

__all__ = ["bp", "emails", "routes"]
