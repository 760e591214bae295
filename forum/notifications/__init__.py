"""Notifications: services.add() creates one (and its email for members who want it at once);
events.py is what a new post sets off; the page (/notifications, routes.py) and the header's unread
count read them, the API too (forum/api/notifications.py)."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from . import routes  # noqa: E402,F401
