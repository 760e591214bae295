from flask import Blueprint

bp = Blueprint("moderation", __name__)

from . import actions, routes  # noqa: E402,F401
