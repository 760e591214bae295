"""Budgets shared by pages and the API: one per member, however they write.

Spent inside the views (`charged`, placed under login_required), once the member is known: as
Flask-Limiter route decorators they may also be checked in its own before_request, before that,
and a limit keyed per address there would be a second budget.
"""
from __future__ import annotations

from functools import wraps

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


def charged(budget, methods: tuple[str, ...] = ("POST", "PATCH"), free=None):
    """Decorate a view: each request with one of `methods` spends one from `budget` before the view
    runs (a 429 when it is spent). `free()`: true for a request that writes nothing (a preview step)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.method in methods and not (free is not None and free()):
                with budget:
                    pass
            return view(*args, **kwargs)

        return wrapper

    return decorator
