"""Pages that show a secret (a new API token, an invitation link) or email addresses."""
from __future__ import annotations

from functools import wraps

from flask import make_response


def no_store(view):
    """Mark the view's responses `Cache-Control: no-store`: no browser history, disk cache or proxy
    keeps a copy for the next person at that computer (or behind that proxy) to read."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper
