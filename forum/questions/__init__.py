"""Questions with an accepted answer: the asker (or a moderator) marks one reply as the answer."""
from flask import Blueprint

bp = Blueprint("questions", __name__)

from . import routes  # noqa: E402,F401
