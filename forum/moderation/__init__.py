from flask import Blueprint

bp = Blueprint("moderation", __name__)

from . import actions, queue, routes  # noqa: E402,F401
