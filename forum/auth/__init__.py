from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import emails, password_reset, routes  # noqa: E402,F401
