"""Budgets shared by pages and the API: one per member, however they write.

Entered as context managers inside the views, once the member is known (after login_required
or the API's token check): as route decorators Flask-Limiter may also check them in its own
before_request, before that, and a limit keyed per address there would be a second budget.
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user

from .extensions import limiter


def member_key() -> str:
    """The member writing (API token or login), else the client address."""
    user = g.get("api_user")
    if user is not None:
        return f"user:{user.id}"
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{request.remote_addr}"


# New threads and replies: pages and API together (colleagues behind one city's NAT do not share it).
POSTS = limiter.shared_limit(lambda: current_app.config["POST_RATE_LIMIT"], scope="posts", key_func=member_key)
# Post edits: pages and API together.
EDITS = limiter.shared_limit(lambda: current_app.config["EDIT_RATE_LIMIT"], scope="edits", key_func=member_key)
