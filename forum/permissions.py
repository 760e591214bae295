"""Role checks for views: one decorator factory, so every role-guarded page refuses the same way."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user, login_required


def requires(check: Callable[[object], bool]):
    """Log in first (anonymous: to the login page), then 403 unless check(current_user)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = requires(lambda user: user.is_admin)
moderator_required = requires(lambda user: user.is_moderator)
